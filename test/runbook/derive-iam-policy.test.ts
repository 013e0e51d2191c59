import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../src/main.js';
import {
  deriveIamPolicy,
  parseRunbook,
  placeSteps,
  validateRunbookFiles,
} from '../../src/runbook/index.js';
import type { RunbookDocument } from '../../src/runbook/index.js';
import { fixtureActions } from './fixture-actions.js';

function shippedRunbooks(): RunbookDocument[] {
  const validations = validateRunbookFiles(['runbooks'], { actions: createActionRegistry() });
  return validations.flatMap((v) => (v.runbook ? [v.runbook] : []));
}

function runbookPublishingTo(topicArn: string): RunbookDocument {
  const text = `name: tell
title: Tell
severity: low
inputs: { topic: { type: arn } }
phases:
  detect:
    - id: look
      action: aws.ec2.describeInstance
      with: { instanceId: i-0123456789abcdef0 }
  recover:
    - id: tell
      action: aws.sns.publish
      with: { topicArn: "${topicArn}", message: done }
`;
  return parseRunbook('tell.yaml', text).runbook;
}

describe('deriveIamPolicy', () => {
  it('grants exactly the IAM actions the shipped runbooks use', () => {
    const actions = createActionRegistry();
    const runbooks = shippedRunbooks();
    const used = new Set(
      runbooks.flatMap((r) =>
        placeSteps(r).flatMap(({ step }) => actions.get(step.action).iamActions),
      ),
    );
    const policy = deriveIamPolicy(runbooks, actions);
    const granted = policy.Statement.flatMap((s) => s.Action);
    expect(new Set(granted)).toEqual(used);
    expect(granted).toHaveLength(used.size);
  });

  it('adds what undoing the steps needs only when asked (--with-undo)', () => {
    const actions = createActionRegistry();
    const runbooks = shippedRunbooks();
    const plain = deriveIamPolicy(runbooks, actions).Statement.flatMap((s) => s.Action);
    const withUndo = deriveIamPolicy(runbooks, actions, { includeUndo: true }).Statement.flatMap(
      (s) => s.Action,
    );
    const restore = actions.get('aws.ec2.restoreInstanceNetwork').iamActions;
    expect(plain).not.toContain('ec2:DeleteTags');
    expect(withUndo).toEqual(expect.arrayContaining([...plain, ...restore]));
  });

  it('is a valid policy document with one statement per service, sorted', () => {
    const policy = deriveIamPolicy(shippedRunbooks(), createActionRegistry());
    expect(policy.Version).toBe('2012-10-17');
    const services = policy.Statement.map((s) => s.Action[0]?.split(':')[0]);
    expect(services).toEqual([...new Set(services)].sort());
    for (const statement of policy.Statement) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(statement.Effect).toBe('Allow');
      expect(statement.Action).toEqual([...statement.Action].sort());
      expect(statement.Action.every((a) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))).toBe(true);
      expect(statement.Resource).toBeTruthy();
    }
  });

  it('gives the same document whatever the runbook order', () => {
    const runbooks = [...shippedRunbooks(), runbookPublishingTo('${{ inputs.topic }}')];
    const forwards = deriveIamPolicy(runbooks, createActionRegistry());
    const backwards = deriveIamPolicy([...runbooks].reverse(), createActionRegistry());
    expect(JSON.stringify(backwards)).toBe(JSON.stringify(forwards));
  });

  describe('when an action allows narrower resources', () => {
    it('narrows to a topic written out in the runbook', () => {
      const arn = 'arn:aws:sns:eu-west-1:123456789012:ir-alerts';
      const policy = deriveIamPolicy([runbookPublishingTo(arn)], fixtureActions);
      expect(policy.Statement.find((s) => s.Sid === 'FirebreakSns')?.Resource).toBe(arn);
    });

    it('narrows to the resource type when the topic is a template', () => {
      const policy = deriveIamPolicy([runbookPublishingTo('${{ inputs.topic }}')], fixtureActions);
      expect(policy.Statement.find((s) => s.Sid === 'FirebreakSns')?.Resource).toBe(
        'arn:aws:sns:*:*:*',
      );
    });

    it('keeps "*" for a service whose Describe calls take no resource', () => {
      const policy = deriveIamPolicy([runbookPublishingTo('${{ inputs.topic }}')], fixtureActions);
      expect(policy.Statement.find((s) => s.Sid === 'FirebreakEc2')).toEqual({
        Sid: 'FirebreakEc2',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances'],
        Resource: '*',
      });
    });
  });
});
