import { z } from 'zod';

function awsIdSchema(prefix: string, example: string) {
  return z.string().regex(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`), {
    message: `expected ${prefix}- followed by 8 or 17 hex digits, e.g. ${example}`,
  });
}

/** An EC2 instance id, `i-0123456789abcdef0`. */
export const instanceIdSchema = awsIdSchema('i', 'i-0123456789abcdef0');
/** A security group id, `sg-0123456789abcdef0`. */
export const securityGroupIdSchema = awsIdSchema('sg', 'sg-0123456789abcdef0');
/** A network interface id, `eni-0123456789abcdef0`. */
export const networkInterfaceIdSchema = awsIdSchema('eni', 'eni-0123456789abcdef0');
/** A subnet id, `subnet-0123456789abcdef0`. */
export const subnetIdSchema = awsIdSchema('subnet', 'subnet-0123456789abcdef0');

/** An SNS topic ARN. */
export const topicArnSchema = z
  .string()
  .regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/, {
    message: 'expected an SNS topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:ir-alerts',
  });

/** The groups an interface had before a change, as isolation records and restore takes them. */
export const interfaceGroupsSchema = z.strictObject({
  networkInterfaceId: networkInterfaceIdSchema,
  securityGroupIds: z.array(securityGroupIdSchema).min(1).max(16),
});

/** The groups an interface had before a change. */
export type InterfaceGroups = z.output<typeof interfaceGroupsSchema>;

/** An AWS region name, `eu-west-1`. */
export const regionSchema = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, {
  message: 'expected an AWS region such as us-east-1',
});

/**
 * Fields every AWS action takes besides its own: `region` sends this step's calls to another
 * region than the run's (the runbook input `region`, else the deployment's).
 */
export const awsStepFields = {
  /** Region for this step's calls; default the run's `region` input, else the deployment's. */
  region: regionSchema.optional(),
};

/** An IPv4 CIDR block, `203.0.113.7/32`. */
export const ipv4CidrSchema = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/, {
    message: 'expected an IPv4 CIDR block such as 203.0.113.7/32',
  });

/** An IAM user or role name. */
export const iamNameSchema = z.string().regex(/^[\w+=,.@-]{1,64}$/, {
  message: 'expected an IAM name: 1-64 letters, digits or +=,.@_-',
});

/** An IAM access key id, `AKIAIOSFODNN7EXAMPLE`. */
export const accessKeyIdSchema = z.string().regex(/^AKIA[A-Z0-9]{12,16}$/, {
  message: 'expected an access key id like AKIAIOSFODNN7EXAMPLE',
});

/** Fields naming one IAM principal; use with {@link hasOnePrincipal}. */
export const iamPrincipalFields = {
  /** The IAM user; give this or `roleName`. */
  userName: iamNameSchema.optional(),
  /** The IAM role; give this or `userName`. */
  roleName: iamNameSchema.optional(),
};

/** Whether exactly one of `userName` and `roleName` is given. */
export function hasOnePrincipal(input: { userName?: string; roleName?: string }): boolean {
  return (input.userName === undefined) !== (input.roleName === undefined);
}

/** The refinement message of {@link hasOnePrincipal}. */
export const ONE_PRINCIPAL_MESSAGE = { message: 'give exactly one of userName or roleName' };

/** An IAM user or role, as the IAM actions report it. */
export type IamPrincipal = { kind: 'user' | 'role'; name: string };

/** The principal named by `userName` or `roleName`. */
export function toPrincipal(input: { userName?: string; roleName?: string }): IamPrincipal {
  return input.userName !== undefined
    ? { kind: 'user', name: input.userName }
    : { kind: 'role', name: input.roleName ?? '' };
}
