import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { createAwsClients, SimulatedAccount } from '../../src/aws/index.js';
import { prepareUndo } from '../../src/chatops/prepare-undo.js';
import { abortRefusal } from '../../src/engine/index.js';
import type { RunState } from '../../src/engine/index.js';
import { createActionRegistry } from '../../src/main.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { RunbookCatalog, parseRunbook } from '../../src/runbook/index.js';
import { createSequentialIds, createSilentLogger, VirtualClock } from '../../src/shared/index.js';

const STOP_RUNBOOK = `name: stop-host
title: Stop a host
severity: high
inputs:
  instanceId: { type: ec2-instance-id, description: the instance }
permissions: { run: [responder, ir-lead], approve: [ir-lead] }
phases:
  contain:
    - id: stop
      action: aws.ec2.stopInstance
      with: { instanceId: "\${{ inputs.instanceId }}" }
      approval: { roles: [ir-lead] }
`;

describe('undo of an undo run', () => {
  it('keeps the original runbook permissions, so approvals and aborts stay with ir-lead', async () => {
    const clock = new VirtualClock(Date.parse('2025-03-01T12:00:00.000Z'));
    const seed = parse(readFileSync('config/simulated-account.yaml', 'utf8')) as never;
    const account = new SimulatedAccount(seed, { clock, randomSeed: 1 });
    const noSleep = async () => undefined;
    const aws = createAwsClients({
      region: account.region,
      simulatedAccount: account,
      simulatedRetry: { sleep: noSleep },
    });
    const catalog = new RunbookCatalog([parseRunbook('stop-host.yaml', STOP_RUNBOOK)]);
    const actions = createActionRegistry();
    const driver = new InProcessDriver({
      catalog,
      actions,
      aws,
      audit: new MemoryAuditLog(clock),
      clock,
      logger: createSilentLogger(),
      createRunId: createSequentialIds('run'),
      actionRetry: { sleep: noSleep },
    } as never);
    const finish = async (runId: string): Promise<RunState> => {
      for (let i = 0; i < 10; i++) {
        await driver.idle();
        const run = (await driver.getRun(runId)) as RunState;
        const waiting = run.steps.find((s) => s.status === 'awaiting_approval');
        if (!waiting) return run;
        await driver.decide({
          runId,
          stepId: waiting.id,
          by: 'ULEAD',
          roles: ['ir-lead'],
          decision: 'approve',
        });
      }
      throw new Error('run did not finish');
    };
    const options = { driver, catalog, actions, command: '/ir' };

    const original = await driver.startRun({
      runbookId: 'stop-host',
      inputs: { instanceId: 'i-0123456789abcdef0' },
      requester: 'UREQ',
      trigger: { source: 'slack' },
    });
    expect((await finish(original.runId)).status).toBe('succeeded');

    const first = await prepareUndo({ runId: original.runId, requester: 'UREQ' }, options);
    expect(first.undo.runbook.permissions?.approve).toEqual(['ir-lead']);
    const undoRun = await driver.startRun(first.undo.request);
    expect((await finish(undoRun.runId)).status).toBe('succeeded');

    // Undo the undo (start -> stop again): the runbook is the undo run's inline one.
    const second = await prepareUndo({ runId: undoRun.runId, requester: 'UREQ' }, options);
    expect(second.undo.runbook.permissions?.approve).toEqual(['ir-lead']);
    const again = await driver.startRun(second.undo.request);
    await driver.idle();
    const waiting = (await driver.getRun(again.runId)) as RunState;
    // A responder who may not approve stop-host must not approve (or abort) its undo's undo.
    expect(waiting.steps[0]?.approval?.roles).toEqual(['ir-lead']);
    expect(abortRefusal(waiting, waiting.inlineRunbook, 'URESP', ['responder'])).toBeDefined();
  });
});
