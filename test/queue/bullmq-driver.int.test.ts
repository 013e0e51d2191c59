import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/index.js';
import type { AuditRecord } from '../../src/audit/index.js';
import type { RunState } from '../../src/engine/index.js';
import { RunLockedError, stepJobId } from '../../src/queue/index.js';
import type { StepWorker } from '../../src/queue/index.js';
import {
  DEADLINE_YAML,
  EVIDENCE_YAML,
  lockedYaml,
  REAPPROVAL_YAML,
  RETRY_YAML,
  TEN_STEPS_YAML,
} from './fixtures/runbooks.js';
import { sendEachTwice } from './send-again.js';
import { createTestStack, deletePrefix, uniquePrefix, VOLUME_ID } from './stack.js';
import type { TestStack } from './stack.js';

const RUNBOOKS = [
  TEN_STEPS_YAML,
  EVIDENCE_YAML,
  DEADLINE_YAML,
  RETRY_YAML,
  REAPPROVAL_YAML,
  lockedYaml('lock-wait', 'wait'),
  lockedYaml('lock-refuse', 'refuse'),
];

/** Resolves with the run's state once `done` holds for it (pub/sub, no polling sleeps). */
function waitForRun(
  stack: TestStack,
  runId: string,
  done: (state: RunState) => boolean,
): Promise<RunState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`run ${runId} did not get there in time`)),
      15_000,
    );
    const stop = stack.driver.onChange((state) => {
      if (state.runId !== runId || !done(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
    void stack.driver.subscribed().then(async () => {
      const state = await stack.driver.getRun(runId);
      if (!state || !done(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}

const finished = (state: RunState) =>
  ['succeeded', 'failed', 'denied', 'aborted'].includes(state.status);
const awaiting = (state: RunState) => state.status === 'awaiting_approval';

describe('BullmqDriver', () => {
  let stack: TestStack;
  /** Starts a run of `runbookId` as U1 from the CLI. */
  const startRun = (runbookId: string) =>
    stack.driver.startRun({ runbookId, inputs: {}, requester: 'U1', trigger: { source: 'cli' } });
  let worker: StepWorker;
  let prefix: string;

  beforeEach(async () => {
    prefix = uniquePrefix();
    stack = await createTestStack({ redisUrl: inject('redisUrl'), prefix, runbooks: RUNBOOKS });
    worker = stack.driver.startWorker({ concurrency: 5, workerId: 'w1' });
    await worker.waitUntilReady();
  });

  afterEach(async () => {
    await worker.close();
    await deletePrefix(stack.redis, prefix);
    await stack.close();
  });

  it('runs ten steps in order and chains every record of the run', async () => {
    const started = await startRun('ten-steps');
    const run = await waitForRun(stack, started.runId, finished);

    expect(run.status).toBe('succeeded');
    const times = run.steps.map((s) => (s.outputs as { atMs: number }).atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const verification = await stack.audit.verify();
    expect(verification).toMatchObject({ ok: true, records: 1 + 10 * 2 + 1 });
    // The last step's job finishes just after the run does; then no step job is left behind.
    const deadline = Date.now() + 5_000;
    const active = async () => (await stack.driver.queue.getJobCounts('active'))['active'] ?? 0;
    while ((await active()) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await stack.driver.queue.getJobCounts('active', 'waiting', 'completed')).toMatchObject({
      active: 0,
      waiting: 0,
      completed: 0,
    });
  });

  it('queues a step whose job could not be added with its commit from the sweep', async () => {
    await worker.close();
    // The closed worker's sweep lease would keep the new one from sweeping for 15 s.
    await stack.redis.del(stack.driver.keys.sweepLock);
    worker = stack.driver.startWorker({ concurrency: 5, workerId: 'w2', sweepIntervalMs: 200 });
    await worker.waitUntilReady();
    const queue = stack.driver.queue;
    const add = queue.add.bind(queue);
    const refused: string[] = [];
    queue.add = (async (...args: Parameters<typeof queue.add>) => {
      const data = args[1] as { stepId?: string };
      if (args[0] === 'step' && data.stepId === 'c2' && refused.length === 0) {
        refused.push(data.stepId);
        throw new Error('connection lost');
      }
      return add(...args);
    }) as typeof queue.add;

    const started = await startRun('ten-steps');
    const run = await waitForRun(stack, started.runId, finished);

    expect(refused).toEqual(['c2']);
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => s.attempt)).toEqual(run.steps.map(() => 1));
    expect(await stack.audit.verify()).toMatchObject({ ok: true, records: 1 + 10 * 2 + 1 });
  });

  it('does not take a claim the client sent again for a redelivery', async () => {
    // Every claim's first reply is lost and the script runs a second time.
    const undo = sendEachTwice(stack.redis, 'firebreakClaimStep');
    const started = await startRun('ten-steps');
    const run = await waitForRun(stack, started.runId, finished);
    undo();

    expect(run.status).toBe('succeeded');
    const types: string[] = [];
    for await (const line of stack.audit.lines())
      types.push((JSON.parse(line) as AuditRecord).type);
    expect(types).not.toContain('step.redelivered');
    expect(types.filter((t) => t === 'step.finished')).toHaveLength(10);
  });

  it('drops a step job that waited a minute for a commit that never came', async () => {
    const started = await startRun('ten-steps');
    const done = await waitForRun(stack, started.runId, finished);
    // A job scheduled by a version the run never reached (its commit was refused), queued
    // long ago: it would otherwise wait for that commit for ever.
    const data = { runId: started.runId, stepId: 's1', attempt: 1, approved: false, version: 99 };
    const jobId = stepJobId(data);
    await stack.driver.queue.add('step', data, { jobId, timestamp: Date.now() - 120_000 });

    const deadline = Date.now() + 5_000;
    while ((await stack.driver.queue.getJobState(jobId)) !== 'unknown' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(await stack.driver.queue.getJobState(jobId)).toBe('unknown');
    expect((await stack.driver.getRun(started.runId))?.version).toBe(done.version);
  });

  it('runs a runbook that came with the request (generated undo runbooks), not from the catalog', async () => {
    const { runbook } = parseRunbook(
      'undo-x.yaml',
      `name: undo-run-x
title: Generated
severity: medium
phases:
  recover:
    - { id: one, action: note, with: { text: carried in the run state } }
`,
    );
    const started = await stack.driver.startRun({
      runbookId: runbook.name,
      runbook,
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' },
    });
    const run = await waitForRun(stack, started.runId, finished);

    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => s.id)).toEqual(['one']);
  });

  it('applies a check-then-act effect once per step in the shared account', async () => {
    const inputs = { volumeId: VOLUME_ID };
    const started = await stack.driver.startRun({
      runbookId: 'evidence',
      inputs,
      requester: 'U1',
      trigger: { source: 'cli' },
    });
    await waitForRun(stack, started.runId, finished);

    await stack.account.refresh();
    const snapshots = stack.account
      .snapshot()
      .snapshots.filter((s) => s.tags['firebreak:token']?.startsWith(started.runId));
    expect(snapshots.map((s) => s.tags['firebreak:token']).sort()).toEqual([
      `${started.runId}:snap`,
      `${started.runId}:snap2`,
    ]);
  });

  it('lists runs and shows one run with its steps', async () => {
    const started = await startRun('ten-steps');
    await waitForRun(stack, started.runId, finished);

    const runs = await stack.driver.listRuns();
    expect(runs.map((r) => r.runId)).toEqual([started.runId]);
    expect((await stack.driver.getRun(started.runId))?.steps).toHaveLength(10);
  });

  it('retries a failed step after its backoff, as a delayed job', async () => {
    const started = await startRun('retry');
    const run = await waitForRun(stack, started.runId, finished);

    expect(run.status).toBe('succeeded');
    expect(run.steps[0]?.outputs).toEqual({ attempt: 3 });
    expect((run.finishedAtMs ?? 0) - run.startedAtMs).toBeGreaterThanOrEqual(400);
  });

  describe('when a step waits for approval', () => {
    it('denies it once the deadline passes, by comparing times', async () => {
      const started = await startRun('deadline');
      const run = await waitForRun(stack, started.runId, finished);

      expect(run.status).toBe('denied');
      expect(run.failure?.code).toBe('APPROVAL_DEADLINE');
      const step = run.steps[0];
      expect(step?.finishedAtMs).toBeGreaterThanOrEqual(step?.approval?.deadlineAtMs ?? Infinity);
    });

    it('runs a step approved a second time (its plan changed) once, as a first delivery', async () => {
      const started = await startRun('reapproval');
      const decide = async (by: string) => {
        const asked = await waitForRun(stack, started.runId, awaiting);
        const decision = { runId: started.runId, stepId: 'gate', by, roles: ['ir-lead'] };
        await stack.driver.decide({ ...decision, decision: 'approve' });
        return asked;
      };
      const first = await decide('U-LEAD');
      // The approved delivery finds another plan and asks again.
      await waitForRun(stack, started.runId, (s) => awaiting(s) && s.version > first.version + 1);
      await decide('U-LEAD-2');
      const run = await waitForRun(stack, started.runId, finished);

      expect(run.status).toBe('succeeded');
      expect(run.steps[0]?.outputs).toEqual({ redelivered: false });
      const types: string[] = [];
      for await (const line of stack.audit.lines()) {
        const record = JSON.parse(line) as { type: string; runId?: string };
        if (record.runId === started.runId) types.push(record.type);
      }
      expect(types.filter((t) => t === 'approval.requested')).toHaveLength(2);
      expect(types).not.toContain('step.redelivered');
    });

    it('aborts with who and why recorded', async () => {
      const inputs = { instanceId: 'i-1' };
      const started = await stack.driver.startRun({
        runbookId: 'lock-wait',
        inputs,
        requester: 'U1',
        trigger: { source: 'cli' },
      });
      await waitForRun(stack, started.runId, awaiting);

      const outcome = await stack.driver.abort(started.runId, 'U-LEAD', 'false positive');

      expect(outcome.accepted).toBe(true);
      expect((await stack.driver.getRun(started.runId))?.abort).toMatchObject({
        by: 'U-LEAD',
        reason: 'false positive',
      });
      const lines: string[] = [];
      for await (const line of stack.audit.lines()) lines.push(line);
      const abortRecord = lines
        .map((l) => JSON.parse(l) as { type: string; actor?: string })
        .find((r) => r.type === 'run.abort_requested');
      expect(abortRecord?.actor).toBe('U-LEAD');
    });
  });

  describe('when two runs act on the same instance', () => {
    it('makes the second wait until the first finishes', async () => {
      const inputs = { instanceId: 'i-0abc' };
      const first = await stack.driver.startRun({
        runbookId: 'lock-wait',
        inputs,
        requester: 'U1',
        trigger: { source: 'cli' },
      });
      await waitForRun(stack, first.runId, awaiting);
      const second = await stack.driver.startRun({
        runbookId: 'lock-wait',
        inputs,
        requester: 'U2',
        trigger: { source: 'cli' },
      });

      expect((await stack.driver.getStoredRun(second.runId))?.waiting).toBe(true);
      expect((await stack.driver.getRun(second.runId))?.steps[0]?.status).toBe('pending');

      await stack.driver.decide({
        runId: first.runId,
        stepId: 'gate',
        by: 'U-LEAD',
        roles: ['ir-lead'],
        decision: 'approve',
      });
      await waitForRun(stack, first.runId, finished);
      const next = await waitForRun(stack, second.runId, awaiting);
      expect(next.steps[0]?.status).toBe('awaiting_approval');
      const types: string[] = [];
      for await (const line of stack.audit.lines())
        types.push((JSON.parse(line) as { type: string }).type);
      expect(types).toEqual(
        expect.arrayContaining(['lock.waiting', 'lock.released', 'lock.acquired']),
      );
    });

    it('refuses the second when the runbook says refuse', async () => {
      const inputs = { instanceId: 'i-0abc' };
      const first = await stack.driver.startRun({
        runbookId: 'lock-refuse',
        inputs,
        requester: 'U1',
        trigger: { source: 'cli' },
      });
      await waitForRun(stack, first.runId, awaiting);

      const second = stack.driver.startRun({
        runbookId: 'lock-refuse',
        inputs,
        requester: 'U2',
        trigger: { source: 'cli' },
      });

      await expect(second).rejects.toBeInstanceOf(RunLockedError);
      await expect(second).rejects.toMatchObject({ code: 'RUN_LOCKED', heldBy: first.runId });
      const records: { type: string; data?: { code?: string } }[] = [];
      for await (const line of stack.audit.lines())
        records.push(JSON.parse(line) as (typeof records)[number]);
      expect(records.find((r) => r.type === 'request.refused')?.data?.code).toBe('RUN_LOCKED');
    });
  });
});
