import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/index.js';
import { createRunHarness, SHIPPED_INSTANCE, START_MS } from './run-harness.js';

const TAG_WITH_TIME = `name: tag-now
title: Tag an instance with the time of its isolation
severity: high
inputs:
  instanceId: { type: ec2-instance-id }
permissions: { run: [responder, ir-lead], approve: [ir-lead] }
phases:
  contain:
    - id: tag
      action: aws.ec2.tagResource
      with:
        resourceId: "\${{ inputs.instanceId }}"
        tags: { IsolatedAt: "\${{ $now() }}" }
      approval: { roles: [ir-lead], deadline: 1h }
`;

describe('an approved step', () => {
  it('acts on the input its approvers saw, even one made with $now()', async () => {
    const h = createRunHarness({ runbooks: [parseRunbook('tag-now.yaml', TAG_WITH_TIME)] });
    const { runId } = await h.driver.startRun({
      runbookId: 'tag-now',
      inputs: { instanceId: SHIPPED_INSTANCE },
      requester: 'responder',
      trigger: { source: 'cli' },
    });
    await h.driver.idle();
    h.clock.advanceTo(START_MS + 5 * 60_000);

    const run = await h.approveWaiting(runId);

    expect(run.status).toBe('succeeded');
    const asked = h.audit.records.filter((r) => r.type === 'approval.requested');
    expect(asked).toHaveLength(1);
    const instance = h.account.snapshot().instances.find((i) => i.instanceId === SHIPPED_INSTANCE);
    expect(instance?.tags['IsolatedAt']).toBe(new Date(START_MS).toISOString());
  });

  it('asks again when the forEach list it would act on is not the one approved', async () => {
    const grows = `name: note-each
title: Note each item, after approval
severity: low
permissions: { run: [responder, ir-lead], approve: [ir-lead] }
phases:
  contain:
    - id: each
      action: note
      forEach: "\${{ $millis() > ${START_MS + 60_000} ? ['a', 'b', 'c'] : ['a', 'b'] }}"
      with: { text: "\${{ item }}" }
      approval: { roles: [ir-lead], deadline: 1h }
`;
    const h = createRunHarness({ runbooks: [parseRunbook('note-each.yaml', grows)] });
    const { runId } = await h.driver.startRun({
      runbookId: 'note-each',
      inputs: {},
      requester: 'responder',
      trigger: { source: 'cli' },
    });
    await h.driver.idle();
    h.clock.advanceTo(START_MS + 5 * 60_000);

    const run = await h.approveWaiting(runId);

    expect(run.status).toBe('awaiting_approval');
    const asked = h.audit.records.filter((r) => r.type === 'approval.requested');
    expect(asked).toHaveLength(2);
    expect(h.audit.records.filter((r) => r.type === 'note')).toEqual([]);
  });
});
