import {
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  iamDeactivateAccessKeys,
  iamReactivateAccessKeys,
  iamRestoreSessions,
  iamRevokeSessions,
  REVOKE_SESSIONS_POLICY_NAME,
} from '../../../src/actions/aws/index.js';
import { createActionRegistry } from '../../../src/main.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { RESPONSE_IDS } from './response-seed.js';
import { createResponseSimulation, sentCommands } from './undo-harness.js';

const NOW = '2025-03-01T12:00:00.000Z';

function noSuchEntity() {
  return new NoSuchEntityException({ $metadata: {}, message: 'not found' });
}

function mockKeys() {
  const aws = createMockedAwsClients();
  const iam = mockClient(aws.iam());
  iam.on(ListAccessKeysCommand).resolves({
    AccessKeyMetadata: [
      { AccessKeyId: RESPONSE_IDS.activeKey, Status: 'Active' },
      { AccessKeyId: RESPONSE_IDS.inactiveKey, Status: 'Inactive' },
    ],
    IsTruncated: false,
  });
  return { aws, iam };
}

describe('aws.iam.deactivateAccessKeys', () => {
  it('lists the keys and deactivates the active ones', async () => {
    const { aws, iam } = mockKeys();

    const output = await runAction(
      iamDeactivateAccessKeys,
      { userName: RESPONSE_IDS.user },
      createTestActionContext({ aws }),
    );

    expect(sentCommands(iam)).toEqual([
      ['ListAccessKeys', { UserName: RESPONSE_IDS.user }],
      [
        'UpdateAccessKey',
        { UserName: RESPONSE_IDS.user, AccessKeyId: RESPONSE_IDS.activeKey, Status: 'Inactive' },
      ],
    ]);
    expect(output.deactivated).toEqual([RESPONSE_IDS.activeKey]);
  });

  it('fails with AWS_ACCESS_KEY_NOT_FOUND for a key the user does not have', async () => {
    const { aws, iam } = mockKeys();

    await expect(
      runAction(
        iamDeactivateAccessKeys,
        { userName: RESPONSE_IDS.user, accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ' },
        createTestActionContext({ aws }),
      ),
    ).rejects.toMatchObject({ code: 'AWS_ACCESS_KEY_NOT_FOUND' });
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
  });
});

describe('aws.iam.revokeSessions', () => {
  it('puts the deny-all policy conditioned on the token issue time on a role', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());

    const output = await runAction(
      iamRevokeSessions,
      { roleName: RESPONSE_IDS.role },
      createTestActionContext({ aws, runId: 'run-0123456789ab', stepId: 'revoke' }),
    );

    const put = iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input;
    expect(put?.RoleName).toBe(RESPONSE_IDS.role);
    expect(put?.PolicyName).toBe('AWSRevokeOlderSessions');
    expect(JSON.parse(put?.PolicyDocument ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'FirebreakRevokerun0123456789abrevoke',
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': NOW } },
        },
      ],
    });
    expect(output).toMatchObject({ revokedBefore: NOW, previousDocument: null, changed: true });
  });

  it('refuses both a user and a role', () => {
    const parsed = iamRevokeSessions.input.safeParse({ userName: 'a', roleName: 'b' });

    expect(parsed.success).toBe(false);
  });

  it('changes nothing when its own revocation is in place', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    const context = createTestActionContext({ aws, stepId: 'revoke' });
    const mine = JSON.stringify({
      Statement: [
        {
          Sid: 'FirebreakRevokerun0123456789abrevoke',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2025-03-01T11:59:00.000Z' } },
        },
      ],
    });
    iam.on(GetUserPolicyCommand).resolves({ PolicyDocument: encodeURIComponent(mine) });

    const output = await runAction(iamRevokeSessions, { userName: RESPONSE_IDS.user }, context);

    expect(sentCommands(iam).map(([name]) => name)).toEqual(['GetUserPolicy']);
    expect(output).toMatchObject({ changed: false, revokedBefore: '2025-03-01T11:59:00.000Z' });
  });
});

describe('a compromised user, against the simulated account', () => {
  it("deactivates the user's keys and revokes its sessions, then undo restores both", async () => {
    const { account, context } = createResponseSimulation();
    const registry = createActionRegistry();
    const before = account.snapshot();

    const keys = await runAction(iamDeactivateAccessKeys, { userName: RESPONSE_IDS.user }, context);
    const sessions = await runAction(iamRevokeSessions, { userName: RESPONSE_IDS.user }, context);
    const user = account.snapshot().iam.users[0];
    expect(user?.accessKeys.map((k) => k.status)).toEqual(['Inactive', 'Inactive', 'Inactive']);
    expect(Object.keys(user?.inlinePolicies ?? {})).toEqual([REVOKE_SESSIONS_POLICY_NAME]);

    // Undo, newest first, as firebreak undo orders it.
    for (const [action, output] of [
      [iamRevokeSessions, sessions],
      [iamDeactivateAccessKeys, keys],
    ] as const) {
      const undoInput = action.undo?.input(output as never, {} as never);
      await runAction(registry.get(action.undo?.action ?? ''), undoInput, context);
    }

    expect(account.snapshot()).toEqual(before);
  });

  it('changes nothing when the deactivation is delivered twice', async () => {
    const { account, context } = createResponseSimulation();
    await runAction(iamDeactivateAccessKeys, { userName: RESPONSE_IDS.user }, context);
    const once = account.snapshot();

    const again = await runAction(
      iamDeactivateAccessKeys,
      { userName: RESPONSE_IDS.user },
      context,
    );

    expect(account.snapshot()).toEqual(once);
    expect(again.changed).toBe(false);
  });

  it('puts back a revocation that was there before, and leaves a later one alone', async () => {
    const { account, context } = createResponseSimulation();
    const first = await runAction(
      iamRevokeSessions,
      { roleName: RESPONSE_IDS.role },
      { ...context, runId: 'run-111111111111' },
    );
    const afterFirst = account.snapshot();
    const second = await runAction(
      iamRevokeSessions,
      { roleName: RESPONSE_IDS.role },
      { ...context, runId: 'run-222222222222' },
    );

    const stale = iamRevokeSessions.undo?.input(first, {} as never);
    const skipped = await runAction(iamRestoreSessions, stale, context);
    const undone = await runAction(
      iamRestoreSessions,
      iamRevokeSessions.undo?.input(second, {} as never),
      context,
    );

    expect(skipped.outcome).toBe('superseded');
    expect(undone.outcome).toBe('restored');
    expect(account.snapshot()).toEqual(afterFirst);
  });
});

describe('aws.iam.reactivateAccessKeys', () => {
  it('reactivates only the given keys that are inactive', async () => {
    const { aws, iam } = mockKeys();

    const output = await runAction(
      iamReactivateAccessKeys,
      {
        userName: RESPONSE_IDS.user,
        accessKeyIds: [RESPONSE_IDS.activeKey, RESPONSE_IDS.inactiveKey],
      },
      createTestActionContext({ aws }),
    );

    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: RESPONSE_IDS.user, AccessKeyId: RESPONSE_IDS.inactiveKey, Status: 'Active' },
    ]);
    expect(output.reactivated).toEqual([RESPONSE_IDS.inactiveKey]);
  });
});
