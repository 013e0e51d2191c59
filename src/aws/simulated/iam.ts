import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedIamRole, SimulatedIamUser } from './simulated-account-state.js';

/** IAM's default quota of managed policies attached to one user or role. */
const MAX_ATTACHED_POLICIES = 10;
const POLICY_ARN_PATTERN = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;

interface Principal {
  inlinePolicies: Record<string, string>;
  attachedPolicyArns: string[];
}

function noSuchEntity(message: string): Error {
  return awsError('NoSuchEntity', message, 404);
}

function requireUser(context: SimulatedContext, userName: string | undefined): SimulatedIamUser {
  const user = context.state.iam.users.find((u) => u.userName === userName);
  if (user === undefined) throw noSuchEntity(`The user with name ${userName} cannot be found.`);
  return user;
}

function requireRole(context: SimulatedContext, roleName: string | undefined): SimulatedIamRole {
  const role = context.state.iam.roles.find((r) => r.roleName === roleName);
  if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`);
  return role;
}

function checkPolicyDocument(document: string | undefined): string {
  try {
    const parsed: unknown = JSON.parse(document ?? '');
    if (parsed === null || typeof parsed !== 'object' || !('Statement' in parsed))
      throw new Error('no Statement');
  } catch {
    throw awsError('MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  return document as string;
}

function putPolicy(
  principal: Principal,
  name: string | undefined,
  document: string | undefined,
): object {
  if (!name) throw awsError('ValidationError', 'The specified value for policyName is invalid.');
  principal.inlinePolicies[name] = checkPolicyDocument(document);
  return {};
}

function getPolicy(principal: Principal, name: string | undefined, kind: 'user' | 'role') {
  const document = principal.inlinePolicies[name ?? ''];
  if (document === undefined)
    throw noSuchEntity(`The ${kind} policy with name ${name} cannot be found.`);
  // IAM returns policy documents URL-encoded (RFC 3986).
  return { PolicyName: name, PolicyDocument: encodeURIComponent(document) };
}

function deletePolicy(
  principal: Principal,
  name: string | undefined,
  kind: 'user' | 'role',
): object {
  if (principal.inlinePolicies[name ?? ''] === undefined) {
    throw noSuchEntity(`The ${kind} policy with name ${name} cannot be found.`);
  }
  delete principal.inlinePolicies[name ?? ''];
  return {};
}

function attachPolicy(principal: Principal, arn: string | undefined, kind: string): object {
  if (arn === undefined || !POLICY_ARN_PATTERN.test(arn)) {
    throw awsError('InvalidInput', `ARN ${arn} is not valid.`);
  }
  if (principal.attachedPolicyArns.includes(arn)) return {};
  if (principal.attachedPolicyArns.length >= MAX_ATTACHED_POLICIES) {
    throw awsError(
      'LimitExceeded',
      `Cannot exceed quota for PoliciesPer${kind}: ${MAX_ATTACHED_POLICIES}`,
      409,
    );
  }
  principal.attachedPolicyArns.push(arn);
  return {};
}

function detachPolicy(principal: Principal, arn: string | undefined): object {
  if (!principal.attachedPolicyArns.includes(arn ?? ''))
    throw noSuchEntity(`Policy ${arn} was not found.`);
  principal.attachedPolicyArns = principal.attachedPolicyArns.filter((a) => a !== arn);
  return {};
}

function listAttached(principal: Principal) {
  return {
    AttachedPolicies: principal.attachedPolicyArns.map((arn) => ({
      PolicyArn: arn,
      PolicyName: arn.split('/').pop(),
    })),
    IsTruncated: false,
  };
}

type Input = Record<string, string | boolean | undefined>;
const text = (input: Input, key: string) => input[key] as string | undefined;

/** Operations of the simulated IAM: users, roles, access keys, login profiles and policies. */
export const iamOperations = {
  GetUser(context: SimulatedContext, input: Input) {
    const user = requireUser(context, text(input, 'UserName'));
    const arn = `arn:aws:iam::${context.state.accountId}:user/${user.userName}`;
    return {
      User: {
        UserName: user.userName,
        UserId: user.userId,
        Arn: arn,
        Path: '/',
        CreateDate: new Date(0),
      },
    };
  },
  GetRole(context: SimulatedContext, input: Input) {
    const role = requireRole(context, text(input, 'RoleName'));
    const arn = `arn:aws:iam::${context.state.accountId}:role/${role.roleName}`;
    return {
      Role: {
        RoleName: role.roleName,
        RoleId: role.roleId,
        Arn: arn,
        Path: '/',
        CreateDate: new Date(0),
      },
    };
  },
  ListAccessKeys(context: SimulatedContext, input: Input) {
    const user = requireUser(context, text(input, 'UserName'));
    const keys = user.accessKeys.map((k) => ({
      UserName: user.userName,
      AccessKeyId: k.accessKeyId,
      Status: k.status,
      CreateDate: new Date(k.createDate),
    }));
    return { AccessKeyMetadata: keys, IsTruncated: false };
  },
  UpdateAccessKey(context: SimulatedContext, input: Input): object {
    const user = requireUser(context, text(input, 'UserName'));
    const key = user.accessKeys.find((k) => k.accessKeyId === input['AccessKeyId']);
    if (key === undefined)
      throw noSuchEntity(`The Access Key with id ${input['AccessKeyId']} cannot be found.`);
    const status = input['Status'];
    if (status !== 'Active' && status !== 'Inactive') {
      throw awsError(
        'ValidationError',
        `Value '${status}' at 'status' failed to satisfy constraint`,
      );
    }
    key.status = status;
    return {};
  },
  GetLoginProfile(context: SimulatedContext, input: Input) {
    const user = requireUser(context, text(input, 'UserName'));
    if (user.loginProfile === undefined)
      throw noSuchEntity(`Login Profile for User ${user.userName} cannot be found.`);
    const { createDate, passwordResetRequired } = user.loginProfile;
    return {
      LoginProfile: {
        UserName: user.userName,
        CreateDate: new Date(createDate),
        PasswordResetRequired: passwordResetRequired,
      },
    };
  },
  DeleteLoginProfile(context: SimulatedContext, input: Input): object {
    const user = requireUser(context, text(input, 'UserName'));
    if (user.loginProfile === undefined)
      throw noSuchEntity(`Login Profile for User ${user.userName} cannot be found.`);
    delete user.loginProfile;
    return {};
  },
  CreateLoginProfile(context: SimulatedContext, input: Input) {
    const user = requireUser(context, text(input, 'UserName'));
    if (user.loginProfile !== undefined) {
      throw awsError(
        'EntityAlreadyExists',
        `Login Profile for user ${user.userName} already exists.`,
        409,
      );
    }
    if ((text(input, 'Password') ?? '').length < 8) {
      throw awsError('PasswordPolicyViolation', 'Password should have a minimum length of 8');
    }
    const passwordResetRequired = input['PasswordResetRequired'] === true;
    user.loginProfile = { createDate: context.now(), passwordResetRequired };
    const profile = {
      UserName: user.userName,
      CreateDate: new Date(context.now()),
      PasswordResetRequired: passwordResetRequired,
    };
    return { LoginProfile: profile };
  },
  PutUserPolicy: (c: SimulatedContext, i: Input) =>
    putPolicy(
      requireUser(c, text(i, 'UserName')),
      text(i, 'PolicyName'),
      text(i, 'PolicyDocument'),
    ),
  PutRolePolicy: (c: SimulatedContext, i: Input) =>
    putPolicy(
      requireRole(c, text(i, 'RoleName')),
      text(i, 'PolicyName'),
      text(i, 'PolicyDocument'),
    ),
  GetUserPolicy: (c: SimulatedContext, i: Input) => ({
    UserName: text(i, 'UserName'),
    ...getPolicy(requireUser(c, text(i, 'UserName')), text(i, 'PolicyName'), 'user'),
  }),
  GetRolePolicy: (c: SimulatedContext, i: Input) => ({
    RoleName: text(i, 'RoleName'),
    ...getPolicy(requireRole(c, text(i, 'RoleName')), text(i, 'PolicyName'), 'role'),
  }),
  DeleteUserPolicy: (c: SimulatedContext, i: Input) =>
    deletePolicy(requireUser(c, text(i, 'UserName')), text(i, 'PolicyName'), 'user'),
  DeleteRolePolicy: (c: SimulatedContext, i: Input) =>
    deletePolicy(requireRole(c, text(i, 'RoleName')), text(i, 'PolicyName'), 'role'),
  ListUserPolicies: (c: SimulatedContext, i: Input) => ({
    PolicyNames: Object.keys(requireUser(c, text(i, 'UserName')).inlinePolicies).sort(),
    IsTruncated: false,
  }),
  ListRolePolicies: (c: SimulatedContext, i: Input) => ({
    PolicyNames: Object.keys(requireRole(c, text(i, 'RoleName')).inlinePolicies).sort(),
    IsTruncated: false,
  }),
  AttachUserPolicy: (c: SimulatedContext, i: Input) =>
    attachPolicy(requireUser(c, text(i, 'UserName')), text(i, 'PolicyArn'), 'User'),
  AttachRolePolicy: (c: SimulatedContext, i: Input) =>
    attachPolicy(requireRole(c, text(i, 'RoleName')), text(i, 'PolicyArn'), 'Role'),
  DetachUserPolicy: (c: SimulatedContext, i: Input) =>
    detachPolicy(requireUser(c, text(i, 'UserName')), text(i, 'PolicyArn')),
  DetachRolePolicy: (c: SimulatedContext, i: Input) =>
    detachPolicy(requireRole(c, text(i, 'RoleName')), text(i, 'PolicyArn')),
  ListAttachedUserPolicies: (c: SimulatedContext, i: Input) =>
    listAttached(requireUser(c, text(i, 'UserName'))),
  ListAttachedRolePolicies: (c: SimulatedContext, i: Input) =>
    listAttached(requireRole(c, text(i, 'RoleName'))),
} satisfies SimulatedOperationTable;
