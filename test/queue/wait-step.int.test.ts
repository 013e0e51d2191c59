import { afterEach, describe, expect, inject, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/index.js';
import { timerJobId } from '../../src/queue/index.js';
import type { StepWorker } from '../../src/queue/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from './stack.js';
import type { TestStack } from './stack.js';
import { waitForRunsToFinish } from './wait-for-runs.js';

const WAIT_THEN_NOTE = `name: wait-then-note
title: Wait a moment, then note
severity: low
phases:
  detect:
    - { id: pause, action: wait, with: { duration: 400ms } }
    - { id: after, action: note, with: { text: "waited until \${{ steps.pause.outputs.until }}" } }
`;

const request = { runbookId: 'wait-then-note', inputs: {}, requester: 'U1' };

async function auditOf(stack: TestStack, runId: string): Promise<string[]> {
  const records: AuditRecord[] = [];
  for await (const line of stack.audit.lines()) records.push(JSON.parse(line) as AuditRecord);
  return records.filter((r) => r.runId === runId).map((r) => `${r.type}:${r.stepId ?? ''}`);
}

describe('a wait step on the BullMQ driver', () => {
  let stack: TestStack;
  let worker: StepWorker;
  let prefix: string;

  afterEach(async () => {
    await worker.close();
    await deletePrefix(stack.redis, prefix);
    await stack.close();
  });

  async function start() {
    prefix = uniquePrefix();
    stack = await createTestStack({
      redisUrl: inject('redisUrl'),
      prefix,
      runbooks: [WAIT_THEN_NOTE],
    });
    worker = stack.driver.startWorker({ concurrency: 2, workerId: 'w1' });
    await worker.waitUntilReady();
  }

  it('holds the run on a delayed job, not a worker, and resumes it when the time is up', async () => {
    await start();
    const started = await stack.driver.startRun({ ...request, trigger: { source: 'cli' } });
    let waiting = await stack.driver.getRun(started.runId);
    for (let i = 0; i < 100 && waiting?.steps[0]?.waitUntilMs === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      waiting = await stack.driver.getRun(started.runId);
    }
    const until = waiting?.steps[0]?.waitUntilMs as number;
    const timer = timerJobId('wait', {
      runId: started.runId,
      stepId: 'pause',
      attempt: 1,
      atMs: until,
    });

    expect(waiting?.status).toBe('running');
    // The timer is added just after the commit that records the wait.
    let state = await stack.driver.queue.getJobState(timer);
    for (let i = 0; i < 100 && state === 'unknown'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      state = await stack.driver.queue.getJobState(timer);
    }
    expect(state).toBe('delayed');

    const [final] = await waitForRunsToFinish(stack.driver, [started.runId], 10_000);
    expect(final?.status).toBe('succeeded');
    expect(final?.steps[0]).toMatchObject({
      status: 'succeeded',
      outputs: { until: new Date(until).toISOString() },
    });
    expect(final?.steps[0]?.waitUntilMs).toBeUndefined();
    expect((final?.steps[1]?.finishedAtMs ?? 0) >= until).toBe(true);
    expect(await auditOf(stack, started.runId)).toEqual([
      'run.started:',
      'step.started:pause',
      'step.waiting:pause',
      'step.finished:pause',
      'step.started:after',
      'note:after',
      'step.finished:after',
      'run.finished:',
    ]);
  });

  it('ends the run at once when it is aborted during the wait; the timer then changes nothing', async () => {
    await start();
    const started = await stack.driver.startRun({ ...request, trigger: { source: 'cli' } });
    for (let i = 0; i < 100; i++) {
      const run = await stack.driver.getRun(started.runId);
      if (run?.steps[0]?.waitUntilMs !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const outcome = await stack.driver.abort(started.runId, 'U9', 'false alarm');
    expect(outcome.accepted).toBe(true);
    expect((await stack.driver.getRun(started.runId))?.status).toBe('aborted');
    // Past the wait: the timer fired and was refused, and the next step never ran.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const final = await stack.driver.getRun(started.runId);
    expect(final?.status).toBe('aborted');
    expect(final?.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(await auditOf(stack, started.runId)).toEqual([
      'run.started:',
      'step.started:pause',
      'step.waiting:pause',
      'run.abort_requested:',
      'run.finished:',
    ]);
  });
});
