import { z } from 'zod';

/** AWS's id shapes: a prefix, then 8 or 17 hex digits. */
function awsIdSchema(prefix: string) {
  const pattern = new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
  return z.string().regex(pattern, {
    message: `expected ${prefix}- followed by 8 or 17 hex digits, e.g. ${prefix}-0123456789abcdef0`,
  });
}

const tagsSchema = z.record(z.string(), z.string()).default({});

/** YAML reads `123456789012` as a number; accept it and keep the leading zeros AWS shows. */
const accountIdSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((value) => String(value).padStart(12, '0'))
  .pipe(z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }));

/**
 * One security group rule, friendlier than AWS's `IpPermissions`:
 * `{ protocol: tcp, port: 22, cidr: 0.0.0.0/0 }`. `protocol` defaults to all traffic.
 */
export const simulatedRuleSeedSchema = z
  .strictObject({
    protocol: z
      .union([z.string(), z.number()])
      .transform((value) => String(value))
      .default('-1'),
    port: z.number().int().min(-1).max(65535).optional(),
    fromPort: z.number().int().min(-1).max(65535).optional(),
    toPort: z.number().int().min(-1).max(65535).optional(),
    cidr: z.string().optional(),
    sourceGroupId: awsIdSchema('sg').optional(),
    description: z.string().optional(),
  })
  .refine((rule) => (rule.cidr === undefined) !== (rule.sourceGroupId === undefined), {
    message: 'a rule needs exactly one of cidr or sourceGroupId',
  });

const vpcSeedSchema = z.strictObject({
  vpcId: awsIdSchema('vpc'),
  cidrBlock: z.string().default('10.0.0.0/16'),
  isDefault: z.boolean().default(false),
  tags: tagsSchema,
});

const subnetSeedSchema = z.strictObject({
  subnetId: awsIdSchema('subnet'),
  vpcId: awsIdSchema('vpc'),
  cidrBlock: z.string().optional(),
  availabilityZone: z.string().optional(),
  tags: tagsSchema,
});

const securityGroupSeedSchema = z.strictObject({
  groupId: awsIdSchema('sg'),
  groupName: z.string().min(1),
  vpcId: awsIdSchema('vpc'),
  description: z.string().optional(),
  /** Inbound rules; none by default. */
  ingress: z.array(simulatedRuleSeedSchema).default([]),
  /** Outbound rules; AWS's allow-all default when left out. */
  egress: z.array(simulatedRuleSeedSchema).optional(),
  tags: tagsSchema,
});

const networkInterfaceSeedSchema = z.strictObject({
  networkInterfaceId: awsIdSchema('eni'),
  /** Defaults to the instance's subnet. */
  subnetId: awsIdSchema('subnet').optional(),
  privateIpAddress: z.string().optional(),
  securityGroupIds: z.array(awsIdSchema('sg')).min(1),
  tags: tagsSchema,
});

const volumeSeedSchema = z.strictObject({
  volumeId: awsIdSchema('vol'),
  deviceName: z.string().default('/dev/xvda'),
  sizeGiB: z.number().int().positive().default(8),
  volumeType: z.string().default('gp3'),
  deleteOnTermination: z.boolean().default(true),
  tags: tagsSchema,
});

const instanceStateSchema = z.enum([
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
]);

const instanceSeedSchema = z.strictObject({
  instanceId: awsIdSchema('i'),
  instanceType: z.string().default('t3.micro'),
  state: instanceStateSchema.default('running'),
  vpcId: awsIdSchema('vpc'),
  subnetId: awsIdSchema('subnet'),
  imageId: z.string().default('ami-0123456789abcdef0'),
  /** ISO time; defaults to the account's `startTime`. */
  launchTime: z.iso.datetime().optional(),
  tags: tagsSchema,
  /** The first is the primary interface (device index 0). */
  networkInterfaces: z.array(networkInterfaceSeedSchema).min(1),
  volumes: z.array(volumeSeedSchema).default([]),
});

const topicSeedSchema = z.strictObject({
  topicArn: z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/, {
    message: 'expected an SNS topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:ir-alerts',
  }),
  tags: tagsSchema,
});

/**
 * The seed of a {@link SimulatedAccount}, as exercise files write it in YAML. Everything but
 * `accountId` and `region` is optional; VPCs and subnets named by instances or groups are
 * created on the fly when not listed.
 */
export const simulatedAccountSeedSchema = z.strictObject({
  accountId: accountIdSchema.default('123456789012'),
  region: z.string().default('us-east-1'),
  /** ISO time used for launch and create times the seed leaves out. */
  startTime: z.iso.datetime().default('2024-01-01T00:00:00.000Z'),
  vpcs: z.array(vpcSeedSchema).default([]),
  subnets: z.array(subnetSeedSchema).default([]),
  securityGroups: z.array(securityGroupSeedSchema).default([]),
  instances: z.array(instanceSeedSchema).default([]),
  topics: z.array(topicSeedSchema).default([]),
});

/** A simulated account's seed as written (defaults may be left out). */
export type SimulatedAccountSeed = z.input<typeof simulatedAccountSeedSchema>;
/** A seed after validation, with every default applied. */
export type ResolvedSimulatedAccountSeed = z.output<typeof simulatedAccountSeedSchema>;
/** One security group rule as a seed writes it. */
export type SimulatedRuleSeed = z.output<typeof simulatedRuleSeedSchema>;
