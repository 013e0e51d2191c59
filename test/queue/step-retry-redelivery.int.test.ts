import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/index.js';
import type { StepWorker } from '../../src/queue/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from './stack.js';
import type { TestStack } from './stack.js';
import { waitForRunsToFinish } from './wait-for-runs.js';

const TWO_SAFE_STEPS = `name: two-safe
title: Two safe steps
severity: low
phases:
  detect:
    - { id: s1, action: test.noop }
    - { id: s2, action: test.noop }
`;

describe('StepWorker retrying a step whose result was not committed', () => {
  let stack: TestStack;
  let worker: StepWorker;
  let prefix: string;

  beforeEach(async () => {
    prefix = uniquePrefix();
    stack = await createTestStack({
      redisUrl: inject('redisUrl'),
      prefix,
      runbooks: [TWO_SAFE_STEPS],
    });
    worker = stack.driver.startWorker({ concurrency: 1, workerId: 'w1' });
    await worker.waitUntilReady();
  });

  afterEach(async () => {
    await worker.close();
    await deletePrefix(stack.redis, prefix);
    await stack.close();
  });

  it('audits the job retry that follows a failed commit of its result as a redelivery', async () => {
    // The step acted, then committing its result failed (a Redis blip): BullMQ retries the job.
    const driver = stack.driver;
    const feed = driver.feed.bind(driver);
    let failed = false;
    driver.feed = async (runId, event, known) => {
      if (!failed && event.type === 'step_succeeded' && event.stepId === 's2') {
        failed = true;
        throw new Error('connection lost while committing');
      }
      return feed(runId, event, known);
    };

    const started = await driver.startRun({
      runbookId: 'two-safe',
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' },
    });
    const [final] = await waitForRunsToFinish(driver, [started.runId], 15_000);

    expect(failed).toBe(true);
    expect(final?.status).toBe('succeeded');
    const records: AuditRecord[] = [];
    for await (const line of stack.audit.lines()) records.push(JSON.parse(line) as AuditRecord);
    // The first delivery's started mark makes the retry a redelivery: audited, and the step
    // reconciles before acting again.
    const redelivered = records.filter((r) => r.type === 'step.redelivered');
    expect(redelivered.map((r) => r.stepId)).toEqual(['s2']);
  });
});
