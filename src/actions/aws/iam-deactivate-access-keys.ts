import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { accessKeyIdSchema, awsStepFields, iamNameSchema } from './aws-input-schemas.js';
import { listAccessKeys, setAccessKeyStatus, type AccessKeyStatus } from './access-keys.js';
import { AwsActionError } from './errors.js';

const inputSchema = z.strictObject({
  userName: iamNameSchema,
  /** One key to deactivate; default every key of the user. */
  accessKeyId: accessKeyIdSchema.optional(),
  ...awsStepFields,
});

/** Input of `aws.iam.deactivateAccessKeys`. */
export type DeactivateAccessKeysInput = z.output<typeof inputSchema>;

/** What `aws.iam.deactivateAccessKeys` found and did. */
export interface DeactivateAccessKeysOutput {
  userName: string;
  /** Each key in scope with its status before the step: the undo reactivates the Active ones. */
  previousStatuses: AccessKeyStatus[];
  deactivated: string[];
  changed: boolean;
}

async function keysInScope(
  input: DeactivateAccessKeysInput,
  keys: AccessKeyStatus[],
): Promise<AccessKeyStatus[]> {
  if (input.accessKeyId === undefined) return keys;
  const key = keys.find((k) => k.accessKeyId === input.accessKeyId);
  if (key === undefined) {
    throw new AwsActionError(
      'AWS_ACCESS_KEY_NOT_FOUND',
      `user ${input.userName} has no access key ${input.accessKeyId}; check the key id and the account`,
    );
  }
  return [key];
}

/**
 * `aws.iam.deactivateAccessKeys`: sets one access key of a user, or all of them, to Inactive.
 * Keys stop working for new requests at once, but session credentials already issued from them
 * (GetSessionToken) keep working until they expire: pair it with `aws.iam.revokeSessions`.
 * Check-then-act: it lists the keys first and updates only the Active ones, so a second
 * delivery changes nothing; a redelivery after a first delivery that already finished records
 * the keys as Inactive before (the audit log keeps the first ListAccessKeys answer). Undo:
 * `aws.iam.reactivateAccessKeys` with the keys that were Active.
 */
export const iamDeactivateAccessKeys: ActionDefinition<
  DeactivateAccessKeysInput,
  DeactivateAccessKeysOutput
> = {
  id: 'aws.iam.deactivateAccessKeys',
  summary: "Deactivate one access key of an IAM user, or all of the user's keys",
  input: inputSchema,
  iamActions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const keys = await keysInScope(input, await listAccessKeys(iam, input.userName));
    const active = keys.filter((k) => k.status === 'Active').map((k) => k.accessKeyId);
    for (const accessKeyId of active) {
      await setAccessKeyStatus(iam, input.userName, accessKeyId, 'Inactive');
    }
    return {
      userName: input.userName,
      previousStatuses: keys,
      deactivated: active,
      changed: active.length > 0,
    };
  },

  async plan(input, context) {
    const keys = await keysInScope(input, await listAccessKeys(context.aws.iam(), input.userName));
    return keys
      .filter((k) => k.status === 'Active')
      .map((k) => ({
        resource: `${input.userName} key ${k.accessKeyId}`,
        before: 'Active',
        after: 'Inactive',
      }));
  },

  undo: {
    action: 'aws.iam.reactivateAccessKeys',
    input: (output) =>
      output.deactivated.length > 0
        ? { userName: output.userName, accessKeyIds: output.deactivated }
        : undefined,
  },
};
