import { afterEach, describe, expect, inject, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/index.js';
import { stepJobId } from '../../src/queue/index.js';
import type { StepWorker } from '../../src/queue/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from './stack.js';
import type { TestStack } from './stack.js';
import { waitForRunsToFinish } from './wait-for-runs.js';

const NOTE_AFTER_NOOP = `name: note-after-noop
title: A safe step, then a note
severity: low
phases:
  detect:
    - { id: s1, action: test.noop }
    - { id: s2, action: note, with: { text: "after s1" } }
`;

describe('StepWorker and an abort from another process', () => {
  let stack: TestStack;
  let server: TestStack;
  let worker: StepWorker;
  let prefix: string;

  afterEach(async () => {
    await worker.close();
    await deletePrefix(stack.redis, prefix);
    await server.close();
    await stack.close();
  });

  it('does not run the next step of a run another process aborted between steps', async () => {
    prefix = uniquePrefix();
    const redisUrl = inject('redisUrl');
    stack = await createTestStack({ redisUrl, prefix, runbooks: [NOTE_AFTER_NOOP] });
    // `firebreak serve` (Slack's /ir abort) or `firebreak abort`: another process, same Redis.
    server = await createTestStack({
      redisUrl,
      prefix,
      runbooks: [NOTE_AFTER_NOOP],
      role: 'client',
    });
    const driver = stack.driver;
    const feed = driver.feed.bind(driver);
    const fed: string[] = [];
    driver.feed = async (runId, event, known) => {
      const outcome = await feed(runId, event, known);
      if ('stepId' in event) fed.push(`${event.type}:${event.stepId}`);
      // The abort lands after s1's result is committed and s2's job is queued.
      if (event.type === 'step_succeeded' && event.stepId === 's1') {
        await server.driver.abort(runId, 'U9', 'wrong host');
      }
      return outcome;
    };
    worker = driver.startWorker({ concurrency: 1, workerId: 'w1' });
    await worker.waitUntilReady();

    const started = await driver.startRun({
      runbookId: 'note-after-noop',
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' },
    });
    const [final] = await waitForRunsToFinish(driver, [started.runId], 10_000);
    // s2's job was queued before the abort; let the worker take it and finish with it (a
    // completed job is removed at once).
    const s2 = stepJobId({ runId: started.runId, stepId: 's2', attempt: 1, approved: false });
    const deadline = Date.now() + 10_000;
    const done = ['completed', 'unknown'];
    while (!done.includes(await driver.queue.getJobState(s2)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(final?.status).toBe('aborted');
    const records: AuditRecord[] = [];
    for await (const line of stack.audit.lines()) records.push(JSON.parse(line) as AuditRecord);
    const finishedAt = records.findIndex((r) => r.type === 'run.finished');
    // The worker still held the state from before the abort and ran s2 on it.
    expect(records.slice(finishedAt + 1).map((r) => `${r.type}:${r.stepId ?? ''}`)).toEqual([]);
    expect(fed).toEqual(['step_succeeded:s1']);
  });
});
