import { describe, expect, it } from 'vitest';
import { applyEvent, createRunState, startRun } from '../../src/engine/index.js';
import type { RunState, Transition } from '../../src/engine/index.js';
import { parseRunbook } from '../../src/runbook/index.js';

const RUNBOOK = parseRunbook(
  'demo.yaml',
  `name: demo
title: Demo
severity: high
inputs: { target: { type: string } }
permissions: { approve: [ir-lead] }
phases:
  detect:
    - { id: look, action: note, with: { text: look } }
  contain:
    - id: cut
      action: note
      with: { text: cut }
      approval: { roles: [ir-lead], min: 2, deadline: 15m }
  recover:
    - { id: tell, action: note, with: { text: done } }
`,
).runbook;

function start(): Transition {
  const state = createRunState(
    RUNBOOK,
    {
      runId: 'run-1',
      runbookId: 'demo',
      inputs: { target: 'x' },
      requester: 'U-REQ',
      trigger: { source: 'cli' },
    },
    { nowMs: 1000, simulated: true },
  );
  return startRun(state);
}

function atApproval(): RunState {
  let state = start().state;
  state = applyEvent(state, {
    type: 'step_succeeded',
    stepId: 'look',
    atMs: 2000,
    outputs: {},
  }).state;
  return applyEvent(state, {
    type: 'approval_needed',
    stepId: 'cut',
    atMs: 3000,
    preview: { p: 1 },
  }).state;
}

const approve = (by: string, atMs = 4000, roles = ['ir-lead']) =>
  ({ type: 'approval_decided', stepId: 'cut', atMs, by, roles, decision: 'approve' }) as const;

describe('run state machine', () => {
  it('starts with the first step of the first phase and audits both', () => {
    const t = start();
    expect(t.commands).toEqual([{ type: 'run_step', stepId: 'look', attempt: 1, approved: false }]);
    expect(t.audit.map((a) => a.type)).toEqual(['run.started', 'step.started']);
    expect(t.state.steps.map((s) => s.phase)).toEqual(['detect', 'contain', 'recover']);
  });

  it('pauses at an approval with a deadline timer', () => {
    const state = atApproval();
    expect(state.status).toBe('awaiting_approval');
    expect(state.steps[1]?.approval?.deadlineAtMs).toBe(3000 + 15 * 60_000);
  });

  it('needs M distinct approvers, counting a double click once', () => {
    let state = atApproval();
    state = applyEvent(state, approve('U-A')).state;
    const twice = applyEvent(state, approve('U-A', 4100));
    expect(twice.refusal?.code).toBe('APPROVAL_DUPLICATE');
    expect(twice.state.status).toBe('awaiting_approval');
    const second = applyEvent(state, approve('U-B', 4200));
    expect(second.commands).toEqual([
      { type: 'run_step', stepId: 'cut', attempt: 1, approved: true },
    ]);
    expect(second.state.status).toBe('running');
  });

  it('refuses the requester approving their own run', () => {
    const t = applyEvent(atApproval(), approve('U-REQ'));
    expect(t.refusal?.code).toBe('APPROVAL_SELF');
    expect(t.audit[0]).toMatchObject({ type: 'approval.refused', actor: 'U-REQ' });
  });

  it('refuses a decider without the role', () => {
    expect(applyEvent(atApproval(), approve('U-X', 4000, ['responder'])).refusal?.code).toBe(
      'APPROVAL_ROLE_MISSING',
    );
  });

  it('refuses a click after the deadline, and the deadline denies', () => {
    const state = atApproval();
    const late = 3000 + 15 * 60_000 + 1;
    expect(applyEvent(state, approve('U-A', late)).refusal?.code).toBe('APPROVAL_LATE');
    const early = applyEvent(state, { type: 'deadline_reached', stepId: 'cut', atMs: late - 2 });
    expect(early.refusal).toBeDefined();
    const due = applyEvent(state, { type: 'deadline_reached', stepId: 'cut', atMs: late });
    expect(due.state.status).toBe('denied');
    expect(due.state.steps.find((s) => s.id === 'tell')?.status).toBe('cancelled');
  });

  it('ends the run as denied on a deny, running nothing more', () => {
    const t = applyEvent(atApproval(), { ...approve('U-A'), decision: 'deny', reason: 'prod db' });
    expect(t.state.status).toBe('denied');
    expect(t.commands).toEqual([{ type: 'run_finished', status: 'denied' }]);
  });

  it('fails the run with the step and reason', () => {
    const t = applyEvent(start().state, {
      type: 'step_failed',
      stepId: 'look',
      atMs: 1500,
      error: { code: 'InvalidInstanceID.NotFound', message: 'no such instance' },
    });
    expect(t.state.status).toBe('failed');
    expect(t.state.failure).toEqual({
      stepId: 'look',
      code: 'InvalidInstanceID.NotFound',
      message: 'no such instance',
    });
  });

  it('ignores a stale result for a step not in hand', () => {
    const t = applyEvent(start().state, {
      type: 'step_succeeded',
      stepId: 'tell',
      atMs: 1,
      outputs: {},
    });
    expect(t.refusal?.code).toBe('STEP_NOT_IN_HAND');
  });

  it('aborts with who and why', () => {
    const t = applyEvent(atApproval(), {
      type: 'abort_requested',
      atMs: 5000,
      by: 'U-L',
      reason: 'false positive',
    });
    expect(t.state.status).toBe('aborted');
    expect(t.state.abort).toEqual({ by: 'U-L', reason: 'false positive', atMs: 5000 });
    expect(applyEvent(t.state, approve('U-A')).refusal?.code).toBe('RUN_FINISHED');
  });

  it('succeeds after the last step', () => {
    let state = atApproval();
    state = applyEvent(state, approve('U-A')).state;
    state = applyEvent(state, approve('U-B')).state;
    state = applyEvent(state, {
      type: 'step_succeeded',
      stepId: 'cut',
      atMs: 6000,
      outputs: {},
    }).state;
    const t = applyEvent(state, {
      type: 'step_succeeded',
      stepId: 'tell',
      atMs: 7000,
      outputs: {},
    });
    expect(t.state.status).toBe('succeeded');
    expect(t.commands.at(-1)).toEqual({ type: 'run_finished', status: 'succeeded' });
  });

  it('succeeds when only a step allowed to fail (onFailure: continue) failed', () => {
    const runbook = parseRunbook(
      'c.yaml',
      `name: c
title: C
severity: low
phases:
  detect:
    - { id: check, action: note, with: { text: x }, onFailure: continue }
    - { id: after, action: note, with: { text: y } }
`,
    ).runbook;
    const request = {
      runId: 'run-2',
      runbookId: 'c',
      inputs: {},
      requester: 'U',
      trigger: { source: 'cli' as const },
    };
    let state = startRun(createRunState(runbook, request, { nowMs: 0, simulated: true })).state;
    const error = { code: 'AccessDenied', message: 'no' };
    state = applyEvent(state, { type: 'step_failed', stepId: 'check', atMs: 1, error }).state;
    expect(state.status).toBe('running');
    const t = applyEvent(state, { type: 'step_succeeded', stepId: 'after', atMs: 2, outputs: {} });
    expect(t.state.status).toBe('succeeded');
    expect(t.state.steps[0]?.status).toBe('failed');
  });

  it('records where a decision came from, next to the claimed name', () => {
    const origin = { source: 'cli', osUser: 'root', host: 'bastion-1' };
    const accepted = applyEvent(atApproval(), { ...approve('U-A'), origin });
    expect(accepted.audit[0]).toMatchObject({ type: 'approval.decided', data: { origin } });
    const refused = applyEvent(atApproval(), { ...approve('U-REQ'), origin });
    expect(refused.audit[0]).toMatchObject({ type: 'approval.refused', data: { origin } });
  });

  it('records where an abort came from', () => {
    const origin = { source: 'cli', osUser: 'root', host: 'bastion-1' };
    const t = applyEvent(atApproval(), {
      type: 'abort_requested',
      atMs: 5000,
      by: 'U-L',
      reason: 'false positive',
      origin,
    });
    expect(t.audit[0]).toMatchObject({ type: 'run.abort_requested', data: { origin } });
  });
});

describe('a waiting step', () => {
  const waiting = () =>
    applyEvent(start().state, {
      type: 'step_waiting',
      stepId: 'look',
      atMs: 2000,
      untilMs: 62_000,
      outputs: { until: '1970-01-01T00:01:02.000Z' },
    });

  it('keeps its outputs, schedules its end and audits the time it waits for', () => {
    const t = waiting();
    expect(t.state.steps[0]).toMatchObject({
      status: 'running',
      waitUntilMs: 62_000,
      outputs: { until: '1970-01-01T00:01:02.000Z' },
    });
    expect(t.commands).toEqual([{ type: 'schedule_wait', stepId: 'look', atMs: 62_000 }]);
    expect(t.audit).toEqual([
      {
        type: 'step.waiting',
        runId: 'run-1',
        stepId: 'look',
        data: { until: '1970-01-01T00:01:02.000Z', outputs: { until: '1970-01-01T00:01:02.000Z' } },
      },
    ]);
  });

  it('finishes with its outputs when the time is up, not before, and the run goes on', () => {
    const state = waiting().state;
    const early = applyEvent(state, { type: 'wait_over', stepId: 'look', atMs: 61_999 });
    expect(early.refusal?.code).toBe('STEP_NOT_IN_HAND');

    const over = applyEvent(state, { type: 'wait_over', stepId: 'look', atMs: 62_010 });
    expect(over.state.steps[0]).toMatchObject({ status: 'succeeded', finishedAtMs: 62_010 });
    expect(over.state.steps[0]?.waitUntilMs).toBeUndefined();
    expect(over.audit.map((a) => `${a.type}:${a.stepId}`)).toEqual([
      'step.finished:look',
      'step.started:cut',
    ]);
    expect(over.audit[0]?.data).toEqual({ outputs: { until: '1970-01-01T00:01:02.000Z' } });
    expect(
      applyEvent(over.state, { type: 'wait_over', stepId: 'look', atMs: 62_020 }).refusal,
    ).toMatchObject({ code: 'STEP_NOT_IN_HAND' });
  });

  it('refuses a step result meanwhile (a stale delivery of the step)', () => {
    const result = applyEvent(waiting().state, {
      type: 'step_succeeded',
      stepId: 'look',
      atMs: 3000,
      outputs: {},
    });
    expect(result.refusal?.code).toBe('STEP_NOT_IN_HAND');
  });

  it('is cancelled by an abort at once, and its timer is refused after', () => {
    const aborted = applyEvent(waiting().state, {
      type: 'abort_requested',
      atMs: 5000,
      by: 'U9',
      reason: 'false alarm',
    });
    expect(aborted.state.status).toBe('aborted');
    expect(aborted.state.steps[0]).toMatchObject({ status: 'cancelled', finishedAtMs: 5000 });
    const late = applyEvent(aborted.state, { type: 'wait_over', stepId: 'look', atMs: 62_000 });
    expect(late.refusal?.code).toBe('RUN_FINISHED');
  });
});
