import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenStepsYaml } from '../queue/fixtures/runbooks.js';
import { createTestStack, uniquePrefix } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { waitForRunsToFinish } from '../queue/wait-for-runs.js';
import { WorkerPool, writeRunbooks } from '../queue/worker-processes.js';
import { CAN_START_REDIS_SERVER, OwnRedisServer } from './own-redis-server.js';

const RUNBOOKS = [tenStepsYaml('slow-steps', 40)];

describe.skipIf(!CAN_START_REDIS_SERVER)('durable runs when Redis restarts', () => {
  let server: OwnRedisServer;
  let stack: TestStack;
  let pool: WorkerPool;

  beforeAll(async () => {
    server = await OwnRedisServer.start();
    const prefix = uniquePrefix();
    stack = await createTestStack({
      redisUrl: server.url,
      prefix,
      runbooks: RUNBOOKS,
      role: 'worker',
    });
    pool = new WorkerPool(
      { redisUrl: server.url, prefix, runbooks: RUNBOOKS },
      writeRunbooks(RUNBOOKS),
    );
    await pool.start(2);
  });

  afterAll(async () => {
    await pool.stop();
    await stack.close();
    await server.destroy();
  });

  it('finishes every run started before the restart', async () => {
    const request = {
      runbookId: 'slow-steps',
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' as const },
    };
    const started = await Promise.all(
      Array.from({ length: 12 }, () => stack.driver.startRun(request)),
    );
    const runIds = started.map((r) => r.runId);
    const midRun = new Promise<void>((resolve) => {
      const stop = stack.driver.onChange((state) => {
        if (state.steps.filter((s) => s.status === 'succeeded').length < 2) return;
        stop();
        resolve();
      });
    });
    await midRun;
    const before = await stack.driver.listRuns();

    await server.restart();
    const runs = await waitForRunsToFinish(stack.driver, runIds, 60_000);

    expect(before.filter((r) => r.status === 'running').length).toBeGreaterThan(0);
    expect(runs.map((r) => r.status)).toEqual(runIds.map(() => 'succeeded'));
    expect(runs.every((r) => r.steps.every((s) => s.status === 'succeeded'))).toBe(true);
    expect(await stack.audit.verify()).toMatchObject({ ok: true });
  });
});
