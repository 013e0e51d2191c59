import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { accessKeyIdSchema, awsStepFields, iamNameSchema } from './aws-input-schemas.js';
import { listAccessKeys, setAccessKeyStatus } from './access-keys.js';

const inputSchema = z.strictObject({
  userName: iamNameSchema,
  /** `deactivated` from `aws.iam.deactivateAccessKeys`. */
  accessKeyIds: z.array(accessKeyIdSchema).min(1),
  ...awsStepFields,
});

/** Input of `aws.iam.reactivateAccessKeys`. */
export type ReactivateAccessKeysInput = z.output<typeof inputSchema>;

/** What `aws.iam.reactivateAccessKeys` did. */
export interface ReactivateAccessKeysOutput {
  userName: string;
  reactivated: string[];
  /** Keys asked for that the user no longer has (deleted since): left alone. */
  missing: string[];
  changed: boolean;
}

/**
 * `aws.iam.reactivateAccessKeys`: the undo of `aws.iam.deactivateAccessKeys`; sets the given
 * keys back to Active. Check-then-act: keys already Active are left alone, so a redelivery
 * changes nothing; keys deleted since are reported as missing.
 */
export const iamReactivateAccessKeys: ActionDefinition<
  ReactivateAccessKeysInput,
  ReactivateAccessKeysOutput
> = {
  id: 'aws.iam.reactivateAccessKeys',
  summary: 'Reactivate access keys of an IAM user (undo of deactivateAccessKeys)',
  input: inputSchema,
  iamActions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const keys = await listAccessKeys(iam, input.userName);
    const inactive = keys.filter(
      (k) => k.status === 'Inactive' && input.accessKeyIds.includes(k.accessKeyId),
    );
    for (const key of inactive) {
      await setAccessKeyStatus(iam, input.userName, key.accessKeyId, 'Active');
    }
    const known = new Set(keys.map((k) => k.accessKeyId));
    return {
      userName: input.userName,
      reactivated: inactive.map((k) => k.accessKeyId),
      missing: input.accessKeyIds.filter((id) => !known.has(id)),
      changed: inactive.length > 0,
    };
  },

  async plan(input, context) {
    const keys = await listAccessKeys(context.aws.iam(), input.userName);
    return keys
      .filter((k) => k.status === 'Inactive' && input.accessKeyIds.includes(k.accessKeyId))
      .map((k) => ({
        resource: `${input.userName} key ${k.accessKeyId}`,
        before: 'Inactive',
        after: 'Active',
      }));
  },
};
