/**
 * The firebreak worker process of `npm run bench:engine`: the durable engine's StepWorker on a
 * runbook of ten no-op steps (bench/raw-worker.ts is the raw BullMQ side). Talks to the bench
 * through bench/worker-report.ts.
 */
import { z } from 'zod';
import { ActionRegistry, coreActions } from '../src/actions/index.js';
import type { ActionDefinition } from '../src/actions/index.js';
import { RedisAuditLog } from '../src/audit/index.js';
import { createAwsClients, SimulatedAccount } from '../src/aws/index.js';
import { BullmqDriver, createRedisConnection } from '../src/queue/index.js';
import { parseRunbook, RunbookCatalog } from '../src/runbook/index.js';
import { createLogger, createSystemClock } from '../src/shared/index.js';
import { BENCH_RUNBOOK_YAML } from './engine-runbook.js';
import { preciseNowMs } from './precise-now.js';
import { reportToBench } from './worker-report.js';

const noopAction: ActionDefinition<Record<string, never>, { atMs: number }> = {
  id: 'bench.noop',
  summary: 'Does nothing; records when it ran',
  input: z.strictObject({}),
  iamActions: [],
  mutating: false,
  idempotency: 'safe',
  async run() {
    return { atMs: preciseNowMs() };
  },
};

const redisUrl = process.env['REDIS_URL'] ?? '';
const prefix = process.env['BENCH_PREFIX'] ?? 'bench';
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 50);
const redis = createRedisConnection(redisUrl, { role: 'worker' });
let close: () => Promise<void>;
let auditRetries = () => 0;

{
  const clock = createSystemClock();
  const logger = createLogger({ level: 'warn' });
  const account = new SimulatedAccount({}, { clock });
  const aws = createAwsClients({ region: account.region, simulatedAccount: account });
  const audit = new RedisAuditLog({ redis, prefix, clock, simulated: true });
  auditRetries = () => audit.retries;
  const catalog = new RunbookCatalog([parseRunbook('bench.yaml', BENCH_RUNBOOK_YAML)]);
  const actions = new ActionRegistry([...coreActions, noopAction]);
  const driver = await BullmqDriver.create({
    redis,
    prefix,
    catalog,
    actions,
    aws,
    audit,
    clock,
    logger,
  });
  const worker = driver.startWorker({ concurrency, workerId: `bench-${process.pid}` });
  await worker.waitUntilReady();
  close = async () => {
    await worker.close();
    await driver.close();
  };
}

reportToBench(
  async () => {
    await close();
    redis.disconnect();
  },
  () => `audit_retries=${auditRetries()}`,
);
