import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import {
  awsStepFields,
  hasOnePrincipal,
  iamPrincipalFields,
  ONE_PRINCIPAL_MESSAGE,
  toPrincipal,
  type IamPrincipal,
} from './aws-input-schemas.js';
import { DENY_ALL_POLICY_ARN, policyArnSchema } from './iam-attach-quarantine-policy.js';
import {
  describePrincipal,
  listAttachedPolicyArns,
  setPolicyAttached,
} from './iam-principal-api.js';

const inputSchema = z
  .strictObject({
    ...iamPrincipalFields,
    policyArn: policyArnSchema.default(DENY_ALL_POLICY_ARN),
    ...awsStepFields,
  })
  .refine(hasOnePrincipal, ONE_PRINCIPAL_MESSAGE);

/** Input of `aws.iam.detachQuarantinePolicy`. */
export type DetachQuarantinePolicyInput = z.output<typeof inputSchema>;

/** What `aws.iam.detachQuarantinePolicy` did. */
export interface DetachQuarantinePolicyOutput {
  principal: IamPrincipal;
  policyArn: string;
  changed: boolean;
}

/**
 * `aws.iam.detachQuarantinePolicy`: the undo of `aws.iam.attachQuarantinePolicy`.
 * Check-then-act: it detaches only a policy still attached, so a redelivery changes nothing.
 */
export const iamDetachQuarantinePolicy: ActionDefinition<
  DetachQuarantinePolicyInput,
  DetachQuarantinePolicyOutput
> = {
  id: 'aws.iam.detachQuarantinePolicy',
  summary: 'Detach the deny-all policy from an IAM user or role (undo of attach)',
  input: inputSchema,
  iamActions: [
    'iam:ListAttachedUserPolicies',
    'iam:ListAttachedRolePolicies',
    'iam:DetachUserPolicy',
    'iam:DetachRolePolicy',
  ],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const principal = toPrincipal(input);
    const attached = await listAttachedPolicyArns(iam, principal);
    const changed = attached.includes(input.policyArn);
    if (changed) await setPolicyAttached(iam, principal, input.policyArn, false);
    return { principal, policyArn: input.policyArn, changed };
  },

  async plan(input, context) {
    const principal = toPrincipal(input);
    const attached = await listAttachedPolicyArns(context.aws.iam(), principal);
    if (!attached.includes(input.policyArn)) return [];
    const after = attached.filter((arn) => arn !== input.policyArn).join(', ') || '(none)';
    return [
      {
        resource: `${describePrincipal(principal)} attached policies`,
        before: attached.join(', '),
        after,
      },
    ];
  },
};
