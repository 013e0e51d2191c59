import { describe, expect, it } from 'vitest';
import { prepareUndo } from '../../src/chatops/prepare-undo.js';
import { abortRefusal } from '../../src/engine/index.js';
import type { RunState } from '../../src/engine/index.js';
import { parseRunbook } from '../../src/runbook/index.js';
import { createRunHarness } from './run-harness.js';

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
    const h = createRunHarness({ runbooks: [parseRunbook('stop-host.yaml', STOP_RUNBOOK)] });
    const { driver, catalog, actions } = h;
    const finish = (runId: string) => h.approveUntilFinished(runId, 'approve', 'ULEAD');
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
