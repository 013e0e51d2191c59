import { describe, expect, it } from 'vitest';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import type { AwsClients } from '../../src/aws/index.js';
import { MemoryKeyValueStore, RunMessagePublisher } from '../../src/chatops/index.js';
import type { SlackChatClient } from '../../src/chatops/index.js';
import type { RunState } from '../../src/engine/index.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { RunbookCatalog, parseRunbook } from '../../src/runbook/index.js';
import { createSequentialIds, createSilentLogger, VirtualClock } from '../../src/shared/index.js';

const TWO_GATES = `name: two-gates
title: Two approvals in a row
severity: high
inputs: {}
permissions: { run: [responder], approve: [ir-lead] }
phases:
  contain:
    - id: first
      action: note
      with: { text: one }
      approval: { roles: [ir-lead], deadline: 1h }
    - id: second
      action: note
      with: { text: two }
      approval: { roles: [ir-lead], deadline: 1h }
`;

interface Call {
  method: string;
  args: Record<string, unknown>;
}

function createFakeClient(calls: Call[]): SlackChatClient {
  let seq = 0;
  const record = (method: string) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return { ok: true, ts: `1700000000.${String(++seq).padStart(6, '0')}` };
  };
  return { chat: { postMessage: record('postMessage'), update: record('update') } } as never;
}

const noAws = { simulated: true, region: 'us-east-1' } as AwsClients;

describe('RunMessagePublisher after a restart', () => {
  it('posts the approval message of a step that started waiting while the server was down', async () => {
    const clock = new VirtualClock(Date.now());
    const logger = createSilentLogger();
    const catalog = new RunbookCatalog([parseRunbook('two-gates.yaml', TWO_GATES)]);
    const driver = new InProcessDriver({
      catalog,
      actions: new ActionRegistry(coreActions),
      aws: noAws,
      audit: new MemoryAuditLog(clock),
      clock,
      logger,
      createRunId: createSequentialIds('run'),
    });
    // The store outlives the process (Redis in production).
    const store = new MemoryKeyValueStore(clock);
    const calls: Call[] = [];
    const options = {
      client: createFakeClient(calls),
      store,
      clock,
      logger,
      defaultChannel: 'CINCIDENT',
      minUpdateIntervalMs: 0,
    };

    // Before the restart: the run message and the approval for `first` are posted.
    const before = new RunMessagePublisher(options);
    const detach = before.attach(driver);
    const { runId } = await driver.startRun({
      runbookId: 'two-gates',
      inputs: {},
      requester: 'UREQ',
      trigger: { source: 'cli' },
    });
    await driver.idle();
    await before.settled();
    const approvals = () =>
      calls.filter((c) => c.method === 'postMessage' && c.args['reply_broadcast'] === true);
    expect(approvals()).toHaveLength(1);
    detach();
    before.close();

    // While the server is down, `first` is approved (CLI) and `second` starts waiting.
    await driver.decide({
      runId,
      stepId: 'first',
      by: 'ULEAD',
      roles: ['ir-lead'],
      decision: 'approve',
    });
    await driver.idle();
    const latest = (await driver.getRun(runId)) as RunState;
    expect(latest.steps[1]?.status).toBe('awaiting_approval');

    // After the restart, the first change heard is that state (BullMQ's pub/sub reads the
    // latest state): the Approve / Deny buttons for `second` must be posted.
    const after = new RunMessagePublisher(options);
    after.notify(latest);
    await after.settled();

    expect(approvals()).toHaveLength(2);
    expect(JSON.stringify(approvals()[1]?.args)).toContain('second');
    // The reply for `first`, which finished while no server was up, is posted once...
    const stepReplies = () =>
      calls.filter(
        (c) =>
          c.method === 'postMessage' &&
          c.args['thread_ts'] !== undefined &&
          c.args['reply_broadcast'] === undefined,
      );
    expect(stepReplies().map((c) => String(c.args['text']))).toEqual([
      expect.stringContaining('`first`'),
    ]);
    after.close();

    // ...and a second restart that hears the same state posts nothing again.
    const posted = calls.length;
    const again = new RunMessagePublisher(options);
    again.notify(latest);
    await again.settled();
    expect(calls.slice(posted).filter((c) => c.method === 'postMessage')).toEqual([]);
  });
});
