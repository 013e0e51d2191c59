import {
  AttachRolePolicyCommand,
  CreateLoginProfileCommand,
  DeleteLoginProfileCommand,
  GetLoginProfileCommand,
  ListAttachedRolePoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  DENY_ALL_POLICY_ARN,
  iamAttachQuarantinePolicy,
  iamDisableConsoleLogin,
  iamEnableConsoleLogin,
} from '../../../src/actions/aws/index.js';
import type { SimulatedAccountState } from '../../../src/aws/index.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { RESPONSE_IDS } from './response-seed.js';
import { createResponseSimulation, runWithUndo, sentCommands } from './undo-harness.js';

describe('aws.iam.attachQuarantinePolicy', () => {
  it('lists the attached policies, then attaches AWSDenyAll to a role', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });

    await runAction(
      iamAttachQuarantinePolicy,
      { roleName: RESPONSE_IDS.role },
      createTestActionContext({ aws }),
    );

    expect(sentCommands(iam)).toEqual([
      ['ListAttachedRolePolicies', { RoleName: RESPONSE_IDS.role }],
      ['AttachRolePolicy', { RoleName: RESPONSE_IDS.role, PolicyArn: DENY_ALL_POLICY_ARN }],
    ]);
  });

  it('attaches nothing when the policy is attached', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: DENY_ALL_POLICY_ARN }],
      IsTruncated: false,
    });

    const output = await runAction(
      iamAttachQuarantinePolicy,
      { roleName: RESPONSE_IDS.role },
      createTestActionContext({ aws }),
    );

    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    expect(iamAttachQuarantinePolicy.undo?.input(output, {} as never)).toBeUndefined();
  });

  it.each([
    ['user', { userName: RESPONSE_IDS.user }],
    ['role', { roleName: RESPONSE_IDS.role }],
  ])(
    'quarantines a %s in the simulated account, and its undo restores the state',
    async (_kind, input) => {
      const { account, context } = createResponseSimulation();

      const seen = await runWithUndo(account, context, iamAttachQuarantinePolicy, input);

      const principals = [...seen.after.iam.users, ...seen.after.iam.roles];
      expect(principals.some((p) => p.attachedPolicyArns.includes(DENY_ALL_POLICY_ARN))).toBe(true);
      expect(seen.undone).toEqual(seen.before);
    },
  );
});

/** The account state with login profile times and reset flags left out: see the assertion. */
function withoutProfileDetails(state: SimulatedAccountState) {
  const users = state.iam.users.map(({ loginProfile, ...user }) => ({
    ...user,
    hasLoginProfile: loginProfile !== undefined,
  }));
  return { ...state, iam: { ...state.iam, users } };
}

describe('aws.iam.disableConsoleLogin', () => {
  it('deletes the login profile it finds', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    iam
      .on(GetLoginProfileCommand)
      .resolves({ LoginProfile: { UserName: RESPONSE_IDS.user } as never });

    await runAction(
      iamDisableConsoleLogin,
      { userName: RESPONSE_IDS.user },
      createTestActionContext({ aws }),
    );

    expect(sentCommands(iam)).toEqual([
      ['GetLoginProfile', { UserName: RESPONSE_IDS.user }],
      ['DeleteLoginProfile', { UserName: RESPONSE_IDS.user }],
    ]);
  });

  it('changes nothing for a user without a console password', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    iam
      .on(GetLoginProfileCommand)
      .rejects(new NoSuchEntityException({ $metadata: {}, message: 'none' }));

    const output = await runAction(
      iamDisableConsoleLogin,
      { userName: RESPONSE_IDS.user },
      createTestActionContext({ aws }),
    );

    expect(iam.commandCalls(DeleteLoginProfileCommand)).toHaveLength(0);
    expect(output.changed).toBe(false);
  });

  it('disables sign-in in the simulated account; the undo re-creates a profile that must be reset', async () => {
    const { account, context } = createResponseSimulation();

    const seen = await runWithUndo(account, context, iamDisableConsoleLogin, {
      userName: RESPONSE_IDS.user,
    });

    expect(seen.after.iam.users[0]?.loginProfile).toBeUndefined();
    // IAM never reveals a password, so the undo cannot restore the old one: the profile comes
    // back with a new creation time and a forced reset. Everything else is as before.
    expect(seen.undone.iam.users[0]?.loginProfile?.passwordResetRequired).toBe(true);
    expect(withoutProfileDetails(seen.undone)).toEqual(withoutProfileDetails(seen.before));
  });
});

describe('aws.iam.enableConsoleLogin', () => {
  it('creates a profile with a random password and a forced reset, and never outputs it', async () => {
    const aws = createMockedAwsClients();
    const iam = mockClient(aws.iam());
    iam
      .on(GetLoginProfileCommand)
      .rejects(new NoSuchEntityException({ $metadata: {}, message: 'none' }));

    const output = await runAction(
      iamEnableConsoleLogin,
      { userName: RESPONSE_IDS.user },
      createTestActionContext({ aws }),
    );

    const sent = iam.commandCalls(CreateLoginProfileCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ UserName: RESPONSE_IDS.user, PasswordResetRequired: true });
    expect(sent?.Password?.length).toBeGreaterThanOrEqual(20);
    expect(JSON.stringify(output)).not.toContain(sent?.Password ?? '?');
  });
});
