import { ModifyNetworkInterfaceAttributeCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { SimulatedAccountState } from '../../src/aws/index.js';
import { readPreviewPlan } from '../../src/engine/index.js';
import { createUndoRequest, formatPlan, planRunbook } from '../../src/plan/index.js';
import { createSilentLogger } from '../../src/shared/index.js';
import { createRunHarness, SHIPPED_ENI, SHIPPED_INSTANCE, SHIPPED_RUNBOOK } from './run-harness.js';

const request = {
  runbookId: SHIPPED_RUNBOOK,
  inputs: { instanceId: SHIPPED_INSTANCE },
  requester: 'responder',
  trigger: { source: 'cli' as const },
};

async function planShipped(harness: ReturnType<typeof createRunHarness>) {
  return planRunbook({
    runbook: harness.catalog.get(SHIPPED_RUNBOOK),
    inputs: { instanceId: SHIPPED_INSTANCE },
    actions: harness.actions,
    aws: harness.aws,
    clock: harness.clock,
    logger: createSilentLogger(),
    requester: 'responder',
  });
}

/** The state without what firebreak keeps on purpose: evidence, groups for next time, flows. */
function comparable(state: SimulatedAccountState) {
  return {
    ...state,
    snapshots: [],
    publishedMessages: [],
    securityGroups: state.securityGroups.filter((g) => !g.groupName.startsWith('firebreak-')),
    networkInterfaces: state.networkInterfaces.map((n) => ({ ...n, connections: [] })),
  };
}

describe('planRunbook', () => {
  it("shows each step's plan hash, the one its approval shows for the same live state", async () => {
    const harness = createRunHarness();
    const text = formatPlan(await planShipped(harness));
    const { runId } = await harness.driver.startRun(request);
    await harness.driver.idle();

    const run = await harness.driver.getRun(runId);
    const isolate = run?.steps.find((s) => s.id === 'isolate');
    const hash = readPreviewPlan(isolate?.approval?.preview)?.hash;
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(text).toContain(`aws.ec2.isolateInstance  would change (plan ${hash}):`);
  });

  it('prints the before -> after changes of the shipped EC2 runbook and a stable hash', async () => {
    const harness = createRunHarness();
    const before = harness.account.snapshot();

    const plan = await planShipped(harness);
    const again = await planShipped(harness);

    const text = formatPlan(plan);
    expect(text).toContain(
      `${SHIPPED_ENI}: sg-0123456789abcdef0, sg-0fedcba9876543210 -> firebreak-quarantine (new group)`,
    );
    expect(text).toMatch(/plan hash sha256:[0-9a-f]{64}/);
    expect(plan.steps.find((s) => s.stepId === 'describe')?.status).toBe('ran');
    expect(plan.steps.find((s) => s.stepId === 'notify')?.status).toBe('not-run');
    expect(again.hash).toBe(plan.hash);
    expect(harness.account.snapshot()).toEqual(before);
  });

  it('gives another hash once the instance changes', async () => {
    const harness = createRunHarness();
    const plan = await planShipped(harness);

    await harness.aws.ec2().send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: SHIPPED_ENI,
        Groups: ['sg-0123456789abcdef0'],
      }),
    );

    expect((await planShipped(harness)).hash).not.toBe(plan.hash);
  });

  it('counts the evidence snapshots an earlier run took', async () => {
    const harness = createRunHarness();
    const first = await planShipped(harness);
    const run = await harness.approveUntilFinished((await harness.driver.startRun(request)).runId);
    expect(run.status).toBe('succeeded');

    const text = formatPlan(await planShipped(harness));

    expect(formatPlan(first)).toMatch(/vol-[0-9a-f]+: no evidence snapshot -> snapshot/);
    expect(text).toMatch(
      new RegExp(
        `vol-[0-9a-f]+: 1 evidence snapshot \\(latest snap-[0-9a-f]+, ` +
          `run ${run.runId}\\) -> 2 evidence snapshots`,
      ),
    );
  });
});

describe('firebreak undo, in-process', () => {
  it("reverses a finished run's isolation through an approved undo run", async () => {
    const harness = createRunHarness();
    const before = harness.account.snapshot();
    const run = await harness.approveUntilFinished((await harness.driver.startRun(request)).runId);
    expect(run.status).toBe('succeeded');

    const undo = createUndoRequest(run, harness.actions, { requester: 'responder' });
    // The generated runbook travels with the request: no catalog needs to know it.
    expect(harness.catalog.find(undo.runbook.name)).toBeUndefined();
    const undoRun = await harness.driver.startRun(undo.request);
    await harness.driver.idle();
    const waiting = await harness.driver.getRun(undoRun.runId);
    const finished = await harness.approveUntilFinished(undoRun.runId);

    expect(undo.reverses).toEqual([{ undoStepId: 'undo-isolate', stepId: 'isolate' }]);
    expect(waiting?.status).toBe('awaiting_approval');
    expect(finished.status).toBe('succeeded');
    expect(comparable(harness.account.snapshot())).toEqual(comparable(before));
    const audited = harness.audit.records.filter((r) => r.runId === undoRun.runId);
    expect(audited.map((r) => r.type)).toContain('approval.decided');
  });

  it('refuses a run that has not finished', async () => {
    const harness = createRunHarness();
    const started = await harness.driver.startRun(request);
    await harness.driver.idle();
    const run = await harness.driver.getRun(started.runId);

    expect(() => createUndoRequest(run!, harness.actions, { requester: 'responder' })).toThrow(
      expect.objectContaining({ code: 'UNDO_RUN_NOT_FINISHED' }),
    );
  });

  it('refuses --step for a step with nothing to undo', async () => {
    const harness = createRunHarness();
    const run = await harness.approveUntilFinished((await harness.driver.startRun(request)).runId);

    expect(() =>
      createUndoRequest(run, harness.actions, { requester: 'responder', stepId: 'describe' }),
    ).toThrow(expect.objectContaining({ code: 'UNDO_STEP_NOT_UNDOABLE' }));
  });
});

describe('runs against a faulty account', () => {
  it('finishes every run when 30% of calls are throttled', async () => {
    for (const randomSeed of [1, 2, 3, 4, 5]) {
      const harness = createRunHarness({ randomSeed });
      harness.account.injectFault({ operation: '*', error: 'Throttling', probability: 0.3 });

      const run = await harness.approveUntilFinished(
        (await harness.driver.startRun(request)).runId,
      );

      expect(run.status, `seed ${randomSeed}`).toBe('succeeded');
      expect(run.steps.every((s) => s.status === 'succeeded')).toBe(true);
      expect(harness.waits.count, 'throttled calls were retried').toBeGreaterThan(5);
    }
  });

  it('fails the step with a message that names the missing IAM action on AccessDenied', async () => {
    const harness = createRunHarness();
    harness.account.injectFault({
      operation: 'ec2:ModifyNetworkInterfaceAttribute',
      error: 'AccessDenied',
    });

    const run = await harness.approveUntilFinished((await harness.driver.startRun(request)).runId);

    const isolate = run.steps.find((s) => s.id === 'isolate');
    expect(run.status).toBe('failed');
    expect(isolate?.error?.code).toBe('UnauthorizedOperation');
    expect(isolate?.error?.message).toContain(
      'AWS denied ec2:ModifyNetworkInterfaceAttribute (UnauthorizedOperation)',
    );
  });
});
