import { z } from 'zod';
import type { ActionContext, ActionDefinition } from '../types.js';
import {
  awsStepFields,
  hasOnePrincipal,
  iamPrincipalFields,
  ONE_PRINCIPAL_MESSAGE,
  toPrincipal,
  type IamPrincipal,
} from './aws-input-schemas.js';
import { describePrincipal, getInlinePolicy, putInlinePolicy } from './iam-principal-api.js';

/** The inline policy name the IAM console uses when it revokes a role's sessions. */
export const REVOKE_SESSIONS_POLICY_NAME = 'AWSRevokeOlderSessions';

const inputSchema = z
  .strictObject({ ...iamPrincipalFields, ...awsStepFields })
  .refine(hasOnePrincipal, ONE_PRINCIPAL_MESSAGE);

/** Input of `aws.iam.revokeSessions`. */
export type RevokeSessionsInput = z.output<typeof inputSchema>;

/** What `aws.iam.revokeSessions` put in place, and the policy it replaced. */
export interface RevokeSessionsOutput {
  principal: IamPrincipal;
  policyName: string;
  /** Temporary credentials issued before this time (ISO) are denied everything. */
  revokedBefore: string;
  /** The statement id that marks this run and step's policy. */
  sid: string;
  /** The `AWSRevokeOlderSessions` document that was there before, or null: the undo restores it. */
  previousDocument: string | null;
  changed: boolean;
}

/** The statement id marking the revocation of one run and step (Sids are alphanumeric). */
export function revocationSid(context: Pick<ActionContext, 'runId' | 'stepId'>): string {
  return `FirebreakRevoke${`${context.runId}${context.stepId}`.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** The Sid of a policy document's first statement, if it parses. */
export function firstSid(document: string | undefined): string | undefined {
  if (document === undefined) return undefined;
  try {
    const parsed = JSON.parse(document) as { Statement?: { Sid?: unknown }[] };
    const sid = parsed.Statement?.[0]?.Sid;
    return typeof sid === 'string' ? sid : undefined;
  } catch {
    return undefined;
  }
}

/** The deny-all policy for tokens issued before `revokedBefore`, as the IAM console writes it. */
export function toRevocationDocument(sid: string, revokedBefore: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: sid,
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': revokedBefore } },
      },
    ],
  });
}

function revokedBeforeOf(document: string): string {
  const parsed = JSON.parse(document) as {
    Statement?: { Condition?: { DateLessThan?: Record<string, string> } }[];
  };
  return parsed.Statement?.[0]?.Condition?.DateLessThan?.['aws:TokenIssueTime'] ?? '';
}

/**
 * `aws.iam.revokeSessions`: denies everything to temporary credentials of a role or user that
 * were issued before now, the way the IAM console's "Revoke active sessions" does: an inline
 * policy `AWSRevokeOlderSessions` with `Deny *` on `*` when `aws:TokenIssueTime` is before the
 * step's time. New sessions (assumed after it) work. Long-term access keys carry no token
 * issue time: deactivate them with `aws.iam.deactivateAccessKeys`. Check-then-act: the policy
 * carries a statement id unique to the run and step, so a second delivery that finds its own
 * policy changes nothing and keeps the first time and the first previous document. Undo:
 * `aws.iam.restoreSessions` (puts back the previous document, or deletes the policy).
 */
export const iamRevokeSessions: ActionDefinition<RevokeSessionsInput, RevokeSessionsOutput> = {
  id: 'aws.iam.revokeSessions',
  summary: 'Revoke the active sessions of an IAM role or user (deny tokens issued before now)',
  input: inputSchema,
  iamActions: ['iam:GetUserPolicy', 'iam:GetRolePolicy', 'iam:PutUserPolicy', 'iam:PutRolePolicy'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const principal = toPrincipal(input);
    const sid = revocationSid(context);
    const policyName = REVOKE_SESSIONS_POLICY_NAME;
    const current = await getInlinePolicy(iam, principal, policyName);
    const base = { principal, policyName, sid };
    if (current !== undefined && firstSid(current) === sid) {
      // A redelivery: our revocation is in place; the document before it is lost to this
      // delivery, so the undo of a redelivered step deletes the policy.
      return {
        ...base,
        revokedBefore: revokedBeforeOf(current),
        previousDocument: null,
        changed: false,
      };
    }

    const revokedBefore = new Date(context.clock.now()).toISOString();
    await putInlinePolicy(iam, principal, policyName, toRevocationDocument(sid, revokedBefore));
    return { ...base, revokedBefore, previousDocument: current ?? null, changed: true };
  },

  async plan(input, context) {
    const principal = toPrincipal(input);
    const current = await getInlinePolicy(
      context.aws.iam(),
      principal,
      REVOKE_SESSIONS_POLICY_NAME,
    );
    const before =
      current === undefined ? '(none)' : `deny tokens issued before ${revokedBeforeOf(current)}`;
    return [
      {
        resource: `${describePrincipal(principal)} policy ${REVOKE_SESSIONS_POLICY_NAME}`,
        before,
        after: 'deny tokens issued before the step runs',
      },
    ];
  },

  undo: {
    action: 'aws.iam.restoreSessions',
    input: (output) => ({
      ...(output.principal.kind === 'user'
        ? { userName: output.principal.name }
        : { roleName: output.principal.name }),
      sid: output.sid,
      previousDocument: output.previousDocument,
    }),
  },
};
