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
