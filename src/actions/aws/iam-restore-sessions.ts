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
  deleteInlinePolicy,
  describePrincipal,
  getInlinePolicy,
  putInlinePolicy,
} from './iam-principal-api.js';
import { firstSid, REVOKE_SESSIONS_POLICY_NAME } from './iam-revoke-sessions.js';

const inputSchema = z
  .strictObject({
    ...iamPrincipalFields,
    /** `sid` from `aws.iam.revokeSessions`: only that revocation is undone. */
    sid: z.string().regex(/^[A-Za-z0-9]+$/),
    /** `previousDocument` from `aws.iam.revokeSessions`: put back, or null to delete. */
    previousDocument: z.string().nullable(),
    ...awsStepFields,
  })
  .refine(hasOnePrincipal, ONE_PRINCIPAL_MESSAGE);

/** Input of `aws.iam.restoreSessions`. */
export type RestoreSessionsInput = z.output<typeof inputSchema>;

/** What `aws.iam.restoreSessions` did. */
export interface RestoreSessionsOutput {
  principal: IamPrincipal;
  /** `restored` (previous document back), `deleted`, `absent` or `superseded` (left alone). */
  outcome: 'restored' | 'deleted' | 'absent' | 'superseded';
  changed: boolean;
}

/**
 * `aws.iam.restoreSessions`: the undo of `aws.iam.revokeSessions`. Sessions revoked stay
 * revoked (their holders must assume the role again); this lifts the deny for new sessions
 * by putting back the `AWSRevokeOlderSessions` document from before, or deleting the policy.
 * Check-then-act: it acts only while the policy is still the one that revocation wrote, so a
 * redelivery changes nothing, and a later revocation (another run's) is left in place.
 */
export const iamRestoreSessions: ActionDefinition<RestoreSessionsInput, RestoreSessionsOutput> = {
  id: 'aws.iam.restoreSessions',
  summary: 'Lift a session revocation of an IAM role or user (undo of revokeSessions)',
  input: inputSchema,
  iamActions: [
    'iam:GetUserPolicy',
    'iam:GetRolePolicy',
    'iam:PutUserPolicy',
    'iam:PutRolePolicy',
    'iam:DeleteUserPolicy',
    'iam:DeleteRolePolicy',
  ],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const principal = toPrincipal(input);
    const current = await getInlinePolicy(iam, principal, REVOKE_SESSIONS_POLICY_NAME);
    if (current === undefined) return { principal, outcome: 'absent', changed: false };
    if (firstSid(current) !== input.sid)
      return { principal, outcome: 'superseded', changed: false };
    if (input.previousDocument === null) {
      await deleteInlinePolicy(iam, principal, REVOKE_SESSIONS_POLICY_NAME);
      return { principal, outcome: 'deleted', changed: true };
    }
    await putInlinePolicy(iam, principal, REVOKE_SESSIONS_POLICY_NAME, input.previousDocument);
    return { principal, outcome: 'restored', changed: true };
  },

  async plan(input, context) {
    const principal = toPrincipal(input);
    const current = await getInlinePolicy(
      context.aws.iam(),
      principal,
      REVOKE_SESSIONS_POLICY_NAME,
    );
    if (current === undefined || firstSid(current) !== input.sid) return [];
    return [
      {
        resource: `${describePrincipal(principal)} policy ${REVOKE_SESSIONS_POLICY_NAME}`,
        before: `revocation ${input.sid}`,
        after: input.previousDocument === null ? '(none)' : 'the document from before',
      },
    ];
  },
};
