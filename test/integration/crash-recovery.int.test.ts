import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { EVIDENCE_YAML, TEN_STEPS_YAML } from '../queue/fixtures/runbooks.js';
import { TOKEN_TAG } from '../queue/fixtures/test-actions.js';
import { createTestStack, deletePrefix, uniquePrefix, VOLUME_ID } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { waitForRunsToFinish } from '../queue/wait-for-runs.js';
import { WorkerPool, writeRunbooks } from '../queue/worker-processes.js';

const RUNBOOKS = [TEN_STEPS_YAML, EVIDENCE_YAML];

interface AuditLine {
  type: string;
  runId?: string;
  stepId?: string;
}

async function auditRecords(stack: TestStack): Promise<AuditLine[]> {
  const records: AuditLine[] = [];
  for await (const line of stack.audit.lines()) records.push(JSON.parse(line) as AuditLine);
  return records;
}

describe('durable runs across worker processes', () => {
  const redisUrl = inject('redisUrl');
  const runbooksFile = writeRunbooks(RUNBOOKS);
  let stack: TestStack;
  let prefix: string;
  let pool: WorkerPool | undefined;

  beforeEach(async () => {
    prefix = uniquePrefix();
    stack = await createTestStack({ redisUrl, prefix, runbooks: RUNBOOKS, role: 'client' });
  });

  afterEach(async () => {
    await pool?.stop();
    pool = undefined;
    await deletePrefix(stack.redis, prefix);
    await stack.close();
  });

  it('completes runs of ten steps across three worker processes', async () => {
    pool = new WorkerPool({ redisUrl, prefix, runbooks: RUNBOOKS }, runbooksFile);
    await pool.start(3);

    const request = {
      runbookId: 'ten-steps',
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' as const },
    };
    const started = await Promise.all(
      Array.from({ length: 12 }, () => stack.driver.startRun(request)),
    );
    const runs = await waitForRunsToFinish(
      stack.driver,
      started.map((r) => r.runId),
      30_000,
    );

    expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'succeeded'));
    const pids = new Set(
      runs.flatMap((r) => r.steps.map((s) => (s.outputs as { pid: number }).pid)),
    );
    expect(pids.size).toBeGreaterThan(1);
    expect(await stack.audit.verify()).toMatchObject({ ok: true, records: 12 * 22 });
  });

  describe('when workers are killed with SIGKILL in the middle of steps', () => {
    it('finishes every run with each effect applied once and the audit chain whole', async () => {
      const crash = [
        'before-effect:snap',
        'after-effect:snap',
        'after-commit:snap',
        'after-effect:snap2',
      ];
      pool = new WorkerPool({ redisUrl, prefix, runbooks: RUNBOOKS, crash }, runbooksFile);
      await pool.start(2);

      const request = {
        runbookId: 'evidence',
        inputs: { volumeId: VOLUME_ID },
        requester: 'U1',
        trigger: { source: 'cli' as const },
      };
      const started = await Promise.all(
        Array.from({ length: 6 }, () => stack.driver.startRun(request)),
      );
      const runIds = started.map((r) => r.runId);
      const runs = await waitForRunsToFinish(stack.driver, runIds, 60_000);

      expect(runs.map((r) => r.status)).toEqual(runIds.map(() => 'succeeded'));
      expect(pool.killed).toBe(crash.length);

      await stack.account.refresh();
      const tokens = stack.account
        .snapshot()
        .snapshots.map((s) => s.tags[TOKEN_TAG])
        .filter(Boolean)
        .sort();
      const expected = runIds.flatMap((id) => [`${id}:snap`, `${id}:snap2`]).sort();
      expect(tokens).toEqual(expected);

      expect(await stack.audit.verify()).toMatchObject({ ok: true });
      const records = await auditRecords(stack);
      const redelivered = records.filter((r) => r.type === 'step.redelivered');
      // Each death mid-action redelivers that step, and any other step the worker held.
      expect(redelivered.length).toBeGreaterThanOrEqual(3);
      expect(redelivered.map((r) => r.stepId)).toEqual(expect.arrayContaining(['snap', 'snap2']));
      for (const id of runIds) {
        expect(records.filter((r) => r.runId === id && r.type === 'run.finished')).toHaveLength(1);
      }
    });
  });
});
