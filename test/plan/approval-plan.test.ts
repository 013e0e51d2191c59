import { ModifyNetworkInterfaceAttributeCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/engine/index.js';
import { createRunHarness, SHIPPED_ENI, SHIPPED_INSTANCE, SHIPPED_RUNBOOK } from './run-harness.js';

const request = {
  runbookId: SHIPPED_RUNBOOK,
  inputs: { instanceId: SHIPPED_INSTANCE },
  requester: 'responder',
  trigger: { source: 'cli' as const },
};

function isolateStep(run: RunState | undefined) {
  return run?.steps.find((s) => s.id === 'isolate');
}

interface Preview {
  plan?: { hash: string; changes: { resource: string; before: string; after: string }[] };
  approvedPlanHash?: string;
}

describe('approval of a planned step', () => {
  it('shows the plan and its hash in the approval preview', async () => {
    const { driver } = createRunHarness();

    const started = await driver.startRun(request);
    await driver.idle();

    const preview = isolateStep(await driver.getRun(started.runId))?.approval?.preview as Preview;
    expect(preview.plan?.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(preview.plan?.changes).toContainEqual({
      resource: SHIPPED_ENI,
      before: 'sg-0123456789abcdef0, sg-0fedcba9876543210',
      after: 'firebreak-quarantine (new group)',
    });
  });

  it('asks again when the instance changes between approval and run', async () => {
    const { driver, aws, audit, approveWaiting } = createRunHarness();
    const started = await driver.startRun(request);
    await driver.idle();
    const first = isolateStep(await driver.getRun(started.runId))?.approval?.preview as Preview;

    // Someone changes the instance's groups while the approval waits.
    await aws.ec2().send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: SHIPPED_ENI,
        Groups: ['sg-0123456789abcdef0'],
      }),
    );
    const asked = await approveWaiting(started.runId);

    const step = isolateStep(asked);
    const again = step?.approval?.preview as Preview;
    expect(step?.status).toBe('awaiting_approval');
    expect(step?.approved).toBe(false);
    expect(again.approvedPlanHash).toBe(first.plan?.hash);
    expect(again.plan?.hash).not.toBe(first.plan?.hash);
    expect(again.plan?.changes).toContainEqual({
      resource: SHIPPED_ENI,
      before: 'sg-0123456789abcdef0',
      after: 'firebreak-quarantine (new group)',
    });
    const requests = audit.records.filter((r) => r.type === 'approval.requested');
    expect(requests.map((r) => (r.data as { rerequested?: boolean }).rerequested)).toEqual([
      undefined,
      true,
    ]);

    const finished = await approveWaiting(started.runId);
    expect(isolateStep(finished)?.status).toBe('succeeded');
  });

  it('runs the approved step when nothing changed', async () => {
    const { driver, approveUntilFinished } = createRunHarness();

    const started = await driver.startRun(request);
    const finished = await approveUntilFinished(started.runId);

    expect(finished.status).toBe('succeeded');
    expect(isolateStep(finished)?.approval?.decisions).toHaveLength(1);
  });
});
