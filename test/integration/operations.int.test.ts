import { afterEach, describe, expect, inject, it } from 'vitest';
import { RedisAuditLog } from '../../src/audit/index.js';
import { createAwsClients, SimulatedAccount } from '../../src/aws/index.js';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { BullmqDriver, createRedisConnection, stepJobId } from '../../src/queue/index.js';
import { RunbookCatalog } from '../../src/runbook/index.js';
import { createSystemClock } from '../../src/shared/index.js';
import type { Logger, LogFields } from '../../src/shared/index.js';
import { tenStepsYaml } from '../queue/fixtures/runbooks.js';
import { createTestStack, deletePrefix, uniquePrefix } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { spawnWorker, writeRunbooks } from '../queue/worker-processes.js';
import { CAN_START_REDIS_SERVER, OwnRedisServer } from './own-redis-server.js';

/** Checks Redis every 10 ms until `check` holds (there is no event for a step taken in hand). */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function recordingLogger(lines: { level: string; message: string; fields?: LogFields }[]): Logger {
  const at = (level: string) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, fields });
  };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

async function createDriverOn(redisUrl: string, logger: Logger) {
  const redis = createRedisConnection(redisUrl);
  const clock = createSystemClock();
  const account = new SimulatedAccount({}, { clock });
  const aws = createAwsClients({ region: account.region, simulatedAccount: account });
  const audit = new RedisAuditLog({ redis, prefix: 'ops', clock, simulated: true });
  const options = {
    redis,
    prefix: 'ops',
    catalog: new RunbookCatalog([]),
    actions: new ActionRegistry(coreActions),
    aws,
    audit,
    clock,
    logger,
  };
  const driver = await BullmqDriver.create(options);
  return { close: async () => (await driver.close(), redis.disconnect()) };
}

describe('operating the durable queue', () => {
  describe.skipIf(!CAN_START_REDIS_SERVER)('when Redis may evict keys', () => {
    let server: OwnRedisServer | undefined;

    afterEach(async () => {
      await server?.destroy();
    });

    it('warns at start that maxmemory-policy must be noeviction', async () => {
      server = await OwnRedisServer.start(['--maxmemory-policy', 'allkeys-lru']);
      const lines: { level: string; message: string; fields?: LogFields }[] = [];

      const driver = await createDriverOn(server.url, recordingLogger(lines));
      await driver.close();

      const warning = lines.find((l) => l.level === 'warn');
      expect(warning?.message).toContain('maxmemory-policy noeviction');
      expect(warning?.fields).toEqual({ policy: 'allkeys-lru' });
    });

    it('stays quiet when the policy is noeviction', async () => {
      server = await OwnRedisServer.start(['--maxmemory-policy', 'noeviction']);
      const lines: { level: string; message: string }[] = [];

      const driver = await createDriverOn(server.url, recordingLogger(lines));
      await driver.close();

      expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    });
  });

  describe('when a worker gets SIGTERM in the middle of a step', () => {
    const runbooks = [tenStepsYaml('slow', 400)];
    const prefix = uniquePrefix();
    let stack: TestStack;

    afterEach(async () => {
      await deletePrefix(stack.redis, prefix);
      await stack.close();
    });

    it('finishes the step in hand, then exits cleanly', async () => {
      const redisUrl = inject('redisUrl');
      stack = await createTestStack({ redisUrl, prefix, runbooks, role: 'client' });
      const worker = await spawnWorker(
        { redisUrl, prefix, runbooks, concurrency: 1 },
        writeRunbooks(runbooks),
      );
      const started = await stack.driver.startRun({
        runbookId: 'slow',
        inputs: {},
        requester: 'U1',
        trigger: { source: 'cli' },
      });
      // In hand: the worker has taken the second step's job.
      const jobId = stepJobId({ runId: started.runId, stepId: 'd2', attempt: 1, approved: false });
      await waitFor(async () => (await stack.driver.queue.getJobState(jobId)) === 'active');

      worker.child.kill('SIGTERM');
      const exit = await worker.exited;

      expect(exit).toBe(0);
      const run = await stack.driver.getRun(started.runId);
      expect(run?.steps.slice(0, 2).map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
      expect(run?.steps[2]?.status).toBe('running');
    });
  });
});
