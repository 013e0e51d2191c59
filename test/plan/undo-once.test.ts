import { describe, expect, it } from 'vitest';
import { resolveRunLock } from '../../src/engine/index.js';
import type { RunState } from '../../src/engine/index.js';
import { createUndoRequest, findReversedSteps, requireRunbookOf } from '../../src/plan/index.js';
import { RunbookCatalog, parseRunbook } from '../../src/runbook/index.js';
import { createRunHarness } from './run-harness.js';

const INSTANCE = 'i-0123456789abcdef0';
const TWO_CHANGES = `name: protect-and-stop
title: Protect and stop a host
severity: high
inputs:
  instanceId: { type: ec2-instance-id, description: the instance }
phases:
  contain:
    - id: protect
      action: aws.ec2.enableTerminationProtection
      with: { instanceId: "\${{ inputs.instanceId }}" }
    - id: stop
      action: aws.ec2.stopInstance
      with: { instanceId: "\${{ inputs.instanceId }}" }
`;

function createHarness() {
  const h = createRunHarness({ runbooks: [parseRunbook('protect-and-stop.yaml', TWO_CHANGES)] });
  const finish = (runId: string, decision: 'approve' | 'deny' = 'approve') =>
    h.approveUntilFinished(runId, decision);
  return { driver: h.driver, actions: h.actions, finish };
}

async function finishedRun(h: ReturnType<typeof createHarness>): Promise<RunState> {
  const started = await h.driver.startRun({
    runbookId: 'protect-and-stop',
    inputs: { instanceId: INSTANCE },
    requester: 'responder',
    trigger: { source: 'cli' },
  });
  const run = await h.finish(started.runId);
  expect(run.status).toBe('succeeded');
  return run;
}

describe('an undo reverses each change once', () => {
  it('leaves out the steps a finished undo reversed, and refuses when none is left', async () => {
    const h = createHarness();
    const run = await finishedRun(h);
    const stopOnly = createUndoRequest(run, h.actions, { requester: 'responder', stepId: 'stop' });
    const first = await h.finish((await h.driver.startRun(stopOnly.request)).runId);
    expect(first.status).toBe('succeeded');

    const reversed = findReversedSteps(run.runId, await h.driver.listRuns());
    const rest = createUndoRequest(run, h.actions, { requester: 'responder', reversed });

    expect([...reversed]).toEqual([['stop', first.runId]]);
    expect(rest.reverses).toEqual([{ undoStepId: 'undo-protect', stepId: 'protect' }]);
    expect(() =>
      createUndoRequest(run, h.actions, { requester: 'responder', stepId: 'stop', reversed }),
    ).toThrow(
      expect.objectContaining({
        code: 'UNDO_ALREADY_DONE',
        message: expect.stringContaining(
          `step stop of run ${run.runId} was already undone by ${first.runId}`,
        ),
      }),
    );

    const second = await h.finish((await h.driver.startRun(rest.request)).runId);
    expect(second.status).toBe('succeeded');
    const all = findReversedSteps(run.runId, await h.driver.listRuns());
    let refusal: unknown;
    try {
      createUndoRequest(run, h.actions, { requester: 'responder', reversed: all });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'UNDO_ALREADY_DONE' });
    const message = (refusal as Error).message;
    expect(message).toContain(`every change of run ${run.runId} was already undone by`);
    expect(message).toContain(first.runId);
    expect(message).toContain(second.runId);
  });

  it('does not count an undo whose approval was denied', async () => {
    const h = createHarness();
    const run = await finishedRun(h);
    const undo = createUndoRequest(run, h.actions, { requester: 'responder' });
    const denied = await h.finish((await h.driver.startRun(undo.request)).runId, 'deny');
    expect(denied.status).not.toBe('succeeded');

    const reversed = findReversedSteps(run.runId, await h.driver.listRuns());
    const again = createUndoRequest(run, h.actions, { requester: 'responder', reversed });

    expect(reversed.size).toBe(0);
    expect(again.reverses.map((r) => r.stepId)).toEqual(['stop', 'protect']);
  });

  it('locks the undo runbook on the run, so a second undo at the same time is refused', async () => {
    const h = createHarness();
    const run = await finishedRun(h);
    const undo = createUndoRequest(run, h.actions, { requester: 'responder' });

    expect(undo.runbook).toMatchObject({ lock: `undo-${run.runId}`, lockMode: 'refuse' });
  });

  it('locks what the original run locked, so it never acts beside a newer run there', async () => {
    const h = createHarness();
    const run = await finishedRun(h);
    const { runbook: locked } = parseRunbook(
      'locked.yaml',
      TWO_CHANGES.replace('phases:', 'lock: "${{ inputs.instanceId }}"\nphases:'),
    );

    const lock = await resolveRunLock(locked, run);
    const undo = createUndoRequest(run, h.actions, { requester: 'responder', lock });

    expect(lock).toBe(INSTANCE);
    expect(undo.runbook).toMatchObject({ lock: INSTANCE, lockMode: 'refuse' });
  });

  it('counts an undo step that was running when its undo run was aborted', () => {
    const undoRun = {
      runId: 'run-u1',
      runbookId: 'undo-run-1',
      status: 'aborted',
      steps: [
        { id: 'undo-stop', status: 'running' },
        { id: 'undo-protect', status: 'pending' },
      ],
    } as unknown as RunState;
    const stillGoing = { ...undoRun, runId: 'run-u2', status: 'running' } as RunState;

    expect([...findReversedSteps('run-1', [undoRun])]).toEqual([
      ['stop', 'run-u1 (stopped while its undo step ran: check the resource)'],
    ]);
    expect(findReversedSteps('run-1', [stillGoing]).size).toBe(0);
  });

  it('refuses to undo a run whose runbook is not loaded, naming why it was refused', () => {
    const run = { runId: 'run-7', runbookId: 'contain', steps: [] } as unknown as RunState;
    const firstError = 'runbooks/contain.yaml:9:15: unknown action "aws.ec2.isolateInstanc"';
    const catalog = new RunbookCatalog(
      [],
      [{ file: 'runbooks/contain.yaml', firstError, errors: 1 }],
    );

    expect(() => requireRunbookOf(run, catalog)).toThrow(
      expect.objectContaining({
        code: 'UNDO_RUNBOOK_UNKNOWN',
        message: expect.stringContaining(
          'runbook contain of run run-7 is not loaded, so who may undo it is unknown',
        ),
      }),
    );
    expect(() => requireRunbookOf(run, catalog)).toThrow(
      /refused at load: runbooks\/contain\.yaml:9:15/,
    );
  });
});
