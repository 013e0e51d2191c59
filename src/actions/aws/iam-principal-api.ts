import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { IamPrincipal } from './aws-input-schemas.js';

/** Whether an IAM call failed because the entity is not there. */
export function isNoSuchEntity(error: unknown): boolean {
  return error instanceof NoSuchEntityException;
}

/** The decoded document of an inline policy, or undefined when there is none by that name. */
export async function getInlinePolicy(
  iam: IAMClient,
  principal: IamPrincipal,
  policyName: string,
): Promise<string | undefined> {
  try {
    const result =
      principal.kind === 'user'
        ? await iam.send(
            new GetUserPolicyCommand({ UserName: principal.name, PolicyName: policyName }),
          )
        : await iam.send(
            new GetRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName }),
          );
    // IAM returns policy documents URL-encoded (RFC 3986).
    return decodeURIComponent(result.PolicyDocument ?? '');
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}

/** Creates or replaces an inline policy. */
export async function putInlinePolicy(
  iam: IAMClient,
  principal: IamPrincipal,
  policyName: string,
  document: string,
): Promise<void> {
  const common = { PolicyName: policyName, PolicyDocument: document };
  if (principal.kind === 'user') {
    await iam.send(new PutUserPolicyCommand({ UserName: principal.name, ...common }));
  } else {
    await iam.send(new PutRolePolicyCommand({ RoleName: principal.name, ...common }));
  }
}

/** Deletes an inline policy. */
export async function deleteInlinePolicy(
  iam: IAMClient,
  principal: IamPrincipal,
  policyName: string,
): Promise<void> {
  if (principal.kind === 'user') {
    await iam.send(
      new DeleteUserPolicyCommand({ UserName: principal.name, PolicyName: policyName }),
    );
  } else {
    await iam.send(
      new DeleteRolePolicyCommand({ RoleName: principal.name, PolicyName: policyName }),
    );
  }
}

/** The ARNs of the managed policies attached to the principal, every page. */
export async function listAttachedPolicyArns(
  iam: IAMClient,
  principal: IamPrincipal,
): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page =
      principal.kind === 'user'
        ? await iam.send(
            new ListAttachedUserPoliciesCommand({ UserName: principal.name, Marker: marker }),
          )
        : await iam.send(
            new ListAttachedRolePoliciesCommand({ RoleName: principal.name, Marker: marker }),
          );
    for (const policy of page.AttachedPolicies ?? []) {
      if (policy.PolicyArn !== undefined) arns.push(policy.PolicyArn);
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);
  return arns;
}

/** Attaches (or, with `attach` false, detaches) a managed policy. */
export async function setPolicyAttached(
  iam: IAMClient,
  principal: IamPrincipal,
  policyArn: string,
  attach: boolean,
): Promise<void> {
  if (principal.kind === 'user') {
    const input = { UserName: principal.name, PolicyArn: policyArn };
    await iam.send(
      attach ? new AttachUserPolicyCommand(input) : new DetachUserPolicyCommand(input),
    );
  } else {
    const input = { RoleName: principal.name, PolicyArn: policyArn };
    await iam.send(
      attach ? new AttachRolePolicyCommand(input) : new DetachRolePolicyCommand(input),
    );
  }
}

/** `user bob` or `role app`, for messages and plans. */
export function describePrincipal(principal: IamPrincipal): string {
  return `${principal.kind} ${principal.name}`;
}
