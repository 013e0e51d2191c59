/**
 * The worker process of `npm run bench:slack`: runs the bench runbook's steps from the durable
 * queue, as `firebreak worker` does in production, so that the server process measured by the
 * bench only acknowledges, enqueues and posts progress. Prints `ready`; exits on SIGTERM.
 */
import { ActionRegistry, coreActions } from '../src/actions/index.js';
import { RedisAuditLog } from '../src/audit/index.js';
import type { AwsClients } from '../src/aws/index.js';
import { BullmqDriver, createRedisConnection } from '../src/queue/index.js';
import { RunbookCatalog } from '../src/runbook/index.js';
import { createSilentLogger, createSystemClock } from '../src/shared/index.js';

const redis = createRedisConnection(process.env['REDIS_URL'] ?? '', { role: 'worker' });
const prefix = process.env['BENCH_PREFIX'] ?? 'bench-slack';
const clock = createSystemClock();
const audit = new RedisAuditLog({ redis, prefix, clock, simulated: true });
const driver = await BullmqDriver.create({
  redis,
  prefix,
  catalog: RunbookCatalog.load([process.env['BENCH_RUNBOOKS'] ?? '']),
  actions: new ActionRegistry(coreActions),
  aws: { simulated: true, region: 'us-east-1' } as AwsClients,
  audit,
  clock,
  logger: createSilentLogger(),
});
const worker = driver.startWorker({ concurrency: 50, workerId: `bench-slack-${process.pid}` });
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void (async () => {
    await worker.close();
    await driver.close();
    redis.disconnect();
    process.exit(0);
  })();
});
