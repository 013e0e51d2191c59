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
import {
  describePrincipal,
  listAttachedPolicyArns,
  setPolicyAttached,
} from './iam-principal-api.js';

/** AWS's managed policy that denies every action on every resource. */
export const DENY_ALL_POLICY_ARN = 'arn:aws:iam::aws:policy/AWSDenyAll';

/** A managed policy ARN. */
export const policyArnSchema = z
  .string()
  .regex(/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, {
    message: 'expected a managed policy ARN such as arn:aws:iam::aws:policy/AWSDenyAll',
  });

const inputSchema = z
  .strictObject({
    ...iamPrincipalFields,
    /** The deny-all policy to attach. Default AWS's `AWSDenyAll`. */
    policyArn: policyArnSchema.default(DENY_ALL_POLICY_ARN),
    ...awsStepFields,
  })
  .refine(hasOnePrincipal, ONE_PRINCIPAL_MESSAGE);

/** Input of `aws.iam.attachQuarantinePolicy`. */
export type AttachQuarantinePolicyInput = z.output<typeof inputSchema>;

/** What `aws.iam.attachQuarantinePolicy` found and did. */
export interface AttachQuarantinePolicyOutput {
  principal: IamPrincipal;
  policyArn: string;
  /** The managed policies attached before the step. */
  previouslyAttached: string[];
  changed: boolean;
}

/**
 * `aws.iam.attachQuarantinePolicy`: attaches a deny-all managed policy (default `AWSDenyAll`)
 * to a user or role. An explicit deny beats every allow, so the principal can do nothing,
 * with any credentials, until it is detached. Check-then-act: it lists the attached policies
 * and attaches only when the policy is missing, so a second delivery changes nothing. Undo:
 * `aws.iam.detachQuarantinePolicy`, when this step attached it.
 */
export const iamAttachQuarantinePolicy: ActionDefinition<
  AttachQuarantinePolicyInput,
  AttachQuarantinePolicyOutput
> = {
  id: 'aws.iam.attachQuarantinePolicy',
  summary: 'Attach a deny-all policy to an IAM user or role',
  input: inputSchema,
  iamActions: [
    'iam:ListAttachedUserPolicies',
    'iam:ListAttachedRolePolicies',
    'iam:AttachUserPolicy',
    'iam:AttachRolePolicy',
  ],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const principal = toPrincipal(input);
    const previouslyAttached = await listAttachedPolicyArns(iam, principal);
    const changed = !previouslyAttached.includes(input.policyArn);
    if (changed) await setPolicyAttached(iam, principal, input.policyArn, true);
    return { principal, policyArn: input.policyArn, previouslyAttached, changed };
  },

  async plan(input, context) {
    const principal = toPrincipal(input);
    const attached = await listAttachedPolicyArns(context.aws.iam(), principal);
    if (attached.includes(input.policyArn)) return [];
    const before = attached.length === 0 ? '(none)' : attached.join(', ');
    const after = [...attached, input.policyArn].join(', ');
    return [{ resource: `${describePrincipal(principal)} attached policies`, before, after }];
  },

  undo: {
    action: 'aws.iam.detachQuarantinePolicy',
    input: (output) =>
      output.changed
        ? {
            ...(output.principal.kind === 'user'
              ? { userName: output.principal.name }
              : { roleName: output.principal.name }),
            policyArn: output.policyArn,
          }
        : undefined,
  },
};
