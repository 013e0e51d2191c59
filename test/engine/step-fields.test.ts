import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import type { AnyActionDefinition } from '../../src/actions/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { createAwsClients, SimulatedAccount } from '../../src/aws/index.js';
import type { AwsClients } from '../../src/aws/index.js';
import { applyEvent, createRunState, runStep, startRun } from '../../src/engine/index.js';
import type { RunState } from '../../src/engine/index.js';
import { parseRunbook } from '../../src/runbook/index.js';
import type { RunbookDocument } from '../../src/runbook/index.js';
import { VirtualClock, createSilentLogger } from '../../src/shared/index.js';
import { createSampleSeed, IDS } from '../aws/sample-seed.js';

function runbookOf(phases: string, extra = ''): RunbookDocument {
  const text = `name: demo\ntitle: Demo\nseverity: high\ninputs: { ids: { type: list, default: [a, b] } }\n${extra}phases:\n${phases}`;
  return parseRunbook('demo.yaml', text).runbook;
}

function started(runbook: RunbookDocument): RunState {
  const request = {
    runId: 'run-1',
    runbookId: 'demo',
    inputs: {},
    requester: 'U-REQ',
    trigger: { source: 'cli' as const },
  };
  return startRun(createRunState(runbook, request, { nowMs: 1000, simulated: true })).state;
}

const throttled = { code: 'ThrottlingException', message: 'slow down', kind: 'throttled' as const };

describe('retry', () => {
  const runbook = runbookOf(`  detect:
    - id: look
      action: note
      with: { text: look }
      retry: { attempts: 3, delay: 2s, on: [throttled] }
`);

  it('retries a throttled step after an exponential backoff, then gives up', () => {
    let t = applyEvent(started(runbook), {
      type: 'step_failed',
      stepId: 'look',
      atMs: 1500,
      error: throttled,
    });
    expect(t.commands).toEqual([
      { type: 'schedule_retry', stepId: 'look', attempt: 2, atMs: 3500 },
    ]);
    expect(t.state.steps[0]?.status).toBe('running');

    expect(
      applyEvent(t.state, { type: 'retry_due', stepId: 'look', atMs: 3499 }).refusal?.code,
    ).toBe('STEP_NOT_IN_HAND');
    t = applyEvent(t.state, { type: 'retry_due', stepId: 'look', atMs: 3500 });
    expect(t.commands).toEqual([{ type: 'run_step', stepId: 'look', attempt: 2, approved: false }]);

    t = applyEvent(t.state, { type: 'step_failed', stepId: 'look', atMs: 4000, error: throttled });
    expect(t.commands).toEqual([
      { type: 'schedule_retry', stepId: 'look', attempt: 3, atMs: 8000 },
    ]);
    t = applyEvent(t.state, { type: 'retry_due', stepId: 'look', atMs: 8000 });
    t = applyEvent(t.state, { type: 'step_failed', stepId: 'look', atMs: 8100, error: throttled });
    expect(t.state.status).toBe('failed');
    expect(t.state.steps[0]?.attempt).toBe(3);
  });

  it('does not retry an error the rule does not name', () => {
    const error = { code: 'InvalidInstanceID.NotFound', message: 'gone', kind: 'client' as const };
    const t = applyEvent(started(runbook), {
      type: 'step_failed',
      stepId: 'look',
      atMs: 1500,
      error,
    });
    expect(t.state.status).toBe('failed');
    expect(t.commands).toEqual([{ type: 'run_finished', status: 'failed' }]);
  });
});

describe('onFailure compensate', () => {
  const runbook = runbookOf(
    `  contain:
    - id: cut
      action: note
      with: { text: cut }
      onFailure: { compensate: [undo, tell] }
  recover:
    - { id: after, action: note, with: { text: after } }
`,
    `compensation:
  - { id: undo, action: note, with: { text: undo } }
  - { id: tell, action: note, with: { text: tell } }
`,
  );
  const error = { code: 'Boom', message: 'boom', kind: 'server' as const };

  it('runs the named compensation steps in order, then fails with the first failure', () => {
    let t = applyEvent(started(runbook), { type: 'step_failed', stepId: 'cut', atMs: 2000, error });
    expect(t.commands).toEqual([{ type: 'run_step', stepId: 'undo', attempt: 1, approved: false }]);
    t = applyEvent(t.state, {
      type: 'step_failed',
      stepId: 'undo',
      atMs: 2100,
      error: { ...error, code: 'Worse' },
    });
    expect(t.commands).toEqual([{ type: 'run_step', stepId: 'tell', attempt: 1, approved: false }]);
    t = applyEvent(t.state, { type: 'step_succeeded', stepId: 'tell', atMs: 2200, outputs: {} });
    expect(t.state.status).toBe('failed');
    expect(t.state.failure).toEqual({ stepId: 'cut', code: 'Boom', message: 'boom' });
    expect(t.state.steps.find((s) => s.id === 'after')?.status).toBe('cancelled');
  });

  it('leaves compensation steps out of a run that succeeds', () => {
    let t = applyEvent(started(runbook), {
      type: 'step_succeeded',
      stepId: 'cut',
      atMs: 2000,
      outputs: {},
    });
    t = applyEvent(t.state, { type: 'step_succeeded', stepId: 'after', atMs: 2100, outputs: {} });
    expect(t.state.status).toBe('succeeded');
    expect(t.state.steps.filter((s) => s.compensation).map((s) => s.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
  });
});

describe('approval onDeadline escalate', () => {
  const runbook = runbookOf(`  contain:
    - id: cut
      action: note
      with: { text: cut }
      approval: { roles: [ir-lead], deadline: 15m, onDeadline: escalate, escalateTo: security-manager }
`);

  function waiting(): RunState {
    return applyEvent(started(runbook), {
      type: 'approval_needed',
      stepId: 'cut',
      atMs: 2000,
      preview: {},
    }).state;
  }

  it('asks the fallback role at the first deadline and denies at the second', () => {
    const firstDeadline = 2000 + 15 * 60_000;
    const t = applyEvent(waiting(), {
      type: 'deadline_reached',
      stepId: 'cut',
      atMs: firstDeadline,
    });
    expect(t.state.status).toBe('awaiting_approval');
    expect(t.state.steps[0]?.approval).toMatchObject({
      roles: ['security-manager'],
      escalated: true,
    });
    const secondDeadline = firstDeadline + 15 * 60_000;
    expect(t.commands).toEqual([
      { type: 'request_approval', stepId: 'cut', deadlineAtMs: secondDeadline, preview: {} },
      { type: 'schedule_deadline', stepId: 'cut', atMs: secondDeadline },
    ]);

    const lead = {
      type: 'approval_decided',
      stepId: 'cut',
      atMs: firstDeadline + 1,
      by: 'U-L',
      decision: 'approve',
    } as const;
    expect(applyEvent(t.state, { ...lead, roles: ['ir-lead'] }).refusal?.code).toBe(
      'APPROVAL_ROLE_MISSING',
    );
    expect(applyEvent(t.state, { ...lead, roles: ['security-manager'] }).state.status).toBe(
      'running',
    );

    const denied = applyEvent(t.state, {
      type: 'deadline_reached',
      stepId: 'cut',
      atMs: secondDeadline,
    });
    expect(denied.state.status).toBe('denied');
  });
});

describe('runStep with forEach, outputs and timeout', () => {
  const hang: AnyActionDefinition = {
    id: 'test.hang',
    summary: 'Never finishes',
    input: z.strictObject({}),
    iamActions: [],
    mutating: false,
    idempotency: 'safe',
    run: () => new Promise(() => undefined),
  };
  const clock = new VirtualClock(0);
  const deps = {
    actions: new ActionRegistry([...coreActions, hang]),
    aws: { simulated: true } as unknown as AwsClients,
    audit: new MemoryAuditLog(clock),
    clock,
    logger: createSilentLogger(),
  };

  it('runs the action once per item and maps each result', async () => {
    const runbook = runbookOf(`  detect:
    - id: each
      action: note
      forEach: "\${{ inputs.ids }}"
      with: { text: "item \${{ index }}: \${{ item }}" }
      outputs: { said: "\${{ $uppercase(result.text) }}" }
`);
    const command = { stepId: 'each', attempt: 1, approved: false };
    const event = await runStep(started(runbook), runbook, command, deps);
    expect(event).toMatchObject({
      type: 'step_succeeded',
      outputs: [{ said: 'ITEM 0: A' }, { said: 'ITEM 1: B' }],
    });
  });

  it('fails a forEach that gives no list', async () => {
    const runbook = runbookOf(`  detect:
    - { id: each, action: note, forEach: "\${{ run.id }}", with: { text: x } }
`);
    const event = await runStep(
      started(runbook),
      runbook,
      { stepId: 'each', attempt: 1, approved: false },
      deps,
    );
    expect(event).toMatchObject({ type: 'step_failed', error: { code: 'FOR_EACH_NOT_A_LIST' } });
  });

  it('fails an attempt that outlasts its timeout', async () => {
    const runbook = runbookOf(`  detect:
    - { id: wait, action: test.hang, timeout: 30s }
`);
    const pending = runStep(
      started(runbook),
      runbook,
      { stepId: 'wait', attempt: 1, approved: false },
      deps,
    );
    await new Promise((resolve) => setImmediate(resolve));
    clock.advanceTo(30_000);
    // An action that does not stop is given up ten seconds later.
    await new Promise((resolve) => setImmediate(resolve));
    clock.advanceTo(40_000);
    expect(await pending).toMatchObject({ type: 'step_failed', error: { code: 'STEP_TIMEOUT' } });
  });
});

describe('a step that times out', () => {
  const clock = new VirtualClock(0);
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => clock.setTimer(clock.now() + ms, resolve));
  const describeTwice: AnyActionDefinition = {
    id: 'test.describeTwice',
    summary: 'Describes an instance, waits a minute, describes it again',
    input: z.strictObject({}),
    iamActions: ['ec2:DescribeInstances'],
    mutating: false,
    idempotency: 'safe',
    async run(_input, context) {
      const describe = () =>
        context.aws.ec2().send(new DescribeInstancesCommand({ InstanceIds: [IDS.instance] }));
      await describe();
      await sleep(60_000);
      await describe();
      return {};
    },
  };
  const stopsWhenTold: AnyActionDefinition = {
    ...describeTwice,
    id: 'test.stopsWhenTold',
    run: (_input, context) =>
      new Promise((_, reject) =>
        context.signal?.addEventListener('abort', () => reject(context.signal?.reason)),
      ),
  };

  const slowItem: AnyActionDefinition = {
    ...describeTwice,
    id: 'test.slowItem',
    run: async () => {
      await sleep(20_000);
      return {};
    },
  };

  async function timeOut(action: string, advance: readonly number[], forEach = '') {
    const audit = new MemoryAuditLog(clock);
    const account = new SimulatedAccount(createSampleSeed(), { clock });
    const deps = {
      actions: new ActionRegistry([...coreActions, describeTwice, stopsWhenTold, slowItem]),
      aws: createAwsClients({ region: 'us-east-1', simulatedAccount: account }),
      audit,
      clock,
      logger: createSilentLogger(),
    };
    const runbook = runbookOf(
      `  detect:\n    - { id: slow, action: ${action}, timeout: 30s${forEach} }\n`,
    );
    let settledAtMs: number | undefined;
    const pending = runStep(
      started(runbook),
      runbook,
      { stepId: 'slow', attempt: 1, approved: false },
      deps,
    ).then((event) => {
      settledAtMs = clock.now();
      return event;
    });
    for (const atMs of advance) {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      clock.advanceTo(clock.now() + atMs);
    }
    const event = await pending;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    return { event, settledAtMs, calls: audit.records.filter((r) => r.type === 'aws.call') };
  }

  it('sends no AWS call once it has timed out, and reports the timeout when the action stopped', async () => {
    const start = clock.now();
    // The timeout at 30 s; the action sleeps until 60 s; it is given up at 40 s.
    const { event, settledAtMs, calls } = await timeOut(
      'test.describeTwice',
      [30_000, 10_000, 20_000],
    );

    expect(event).toMatchObject({ type: 'step_failed', error: { code: 'STEP_TIMEOUT' } });
    expect((settledAtMs ?? 0) - start).toBe(40_000);
    // The call after the timeout was never sent: one DescribeInstances in all.
    expect(calls.map((r) => r.data?.['operation'])).toEqual(['DescribeInstances']);
  });

  it('bounds every item of a forEach attempt together', async () => {
    // Two items of 20 s each: 40 s in all, past the 30 s timeout.
    const forEach = ', forEach: "${{ inputs.ids }}"';
    const { event } = await timeOut('test.slowItem', [20_000, 10_000, 10_000], forEach);

    expect(event).toMatchObject({ type: 'step_failed', error: { code: 'STEP_TIMEOUT' } });
  });

  it('tells the action to stop, and reports at once when it does', async () => {
    const start = clock.now();
    const { event, settledAtMs } = await timeOut('test.stopsWhenTold', [30_000]);

    expect(event).toMatchObject({ type: 'step_failed', error: { code: 'STEP_TIMEOUT' } });
    expect((settledAtMs ?? 0) - start).toBe(30_000);
  });
});
