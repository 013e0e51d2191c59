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
  /** Open flows, e.g. `{ protocol: tcp, port: 22, remoteAddress: 203.0.113.7 }` (inbound SSH). */
  connections: z
    .array(
      z.strictObject({
        protocol: z.enum(['tcp', 'udp', 'icmp']).default('tcp'),
        port: z.number().int().min(0).max(65535),
        remoteAddress: z.string(),
        direction: z.enum(['inbound', 'outbound']).default('inbound'),
      }),
    )
    .default([]),
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
  terminationProtection: z.boolean().default(false),
  /** What `GetConsoleOutput` returns. */
  consoleOutput: z.string().default(''),
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

const networkAclSeedSchema = z.strictObject({
  networkAclId: awsIdSchema('acl'),
  vpcId: awsIdSchema('vpc'),
  isDefault: z.boolean().default(false),
  subnetIds: z.array(awsIdSchema('subnet')).default([]),
  /** Entries besides AWS's catch-all deny (rule 32767), which is always added. */
  entries: z
    .array(
      z.strictObject({
        ruleNumber: z.number().int().min(1).max(32766),
        egress: z.boolean().default(false),
        protocol: z.union([z.string(), z.number()]).transform(String).default('-1'),
        ruleAction: z.enum(['allow', 'deny']),
        cidrBlock: z.string(),
        fromPort: z.number().int().optional(),
        toPort: z.number().int().optional(),
      }),
    )
    .default([]),
  tags: tagsSchema,
});

const autoScalingGroupSeedSchema = z.strictObject({
  name: z.string().min(1),
  minSize: z.number().int().min(0).default(0),
  maxSize: z.number().int().min(0).default(10),
  /** Defaults to the number of instances. */
  desiredCapacity: z.number().int().min(0).optional(),
  instanceIds: z.array(awsIdSchema('i')).default([]),
  standbyInstanceIds: z.array(awsIdSchema('i')).default([]),
});

const policiesSchema = z
  .record(z.string(), z.union([z.string(), z.record(z.string(), z.unknown())]))
  .default({});

const iamUserSeedSchema = z.strictObject({
  userName: z.string().min(1),
  accessKeys: z
    .array(
      z.strictObject({
        accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,16}$/, {
          message: 'expected an access key id like AKIAIOSFODNN7EXAMPLE',
        }),
        status: z.enum(['Active', 'Inactive']).default('Active'),
      }),
    )
    .default([]),
  /** Whether the user can sign in to the console. */
  consoleLogin: z.boolean().default(false),
  /** Inline policies: name to policy document (object or JSON text). */
  inlinePolicies: policiesSchema,
  attachedPolicyArns: z.array(z.string()).default([]),
});

const iamRoleSeedSchema = z.strictObject({
  roleName: z.string().min(1),
  inlinePolicies: policiesSchema,
  attachedPolicyArns: z.array(z.string()).default([]),
});

const dimensionsSchema = z.record(z.string(), z.string()).default({});

const alarmSeedSchema = z.strictObject({
  alarmName: z.string().min(1),
  alarmDescription: z.string().optional(),
  stateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).default('OK'),
  stateReason: z.string().default('Seeded'),
  /** ISO time of the last state change. */
  stateUpdatedTimestamp: z.iso.datetime().optional(),
  comparisonOperator: z.string().default('GreaterThanThreshold'),
  threshold: z.number(),
  evaluationPeriods: z.number().int().positive().default(1),
  namespace: z.string().optional(),
  metricName: z.string().optional(),
  dimensions: dimensionsSchema,
  statistic: z.string().default('Average'),
  periodSeconds: z.number().int().positive().default(300),
  /** Metric-math alarms: queries with `id` and either `expression` or `metric`. */
  metrics: z
    .array(
      z.strictObject({
        id: z.string(),
        expression: z.string().optional(),
        metric: z
          .strictObject({
            namespace: z.string(),
            metricName: z.string(),
            dimensions: dimensionsSchema,
            stat: z.string().default('Average'),
            periodSeconds: z.number().int().positive().default(300),
          })
          .optional(),
        returnData: z.boolean().default(false),
        label: z.string().optional(),
      }),
    )
    .optional(),
});

const metricSeedSchema = z.strictObject({
  namespace: z.string(),
  metricName: z.string(),
  dimensions: dimensionsSchema,
  datapoints: z
    .array(z.strictObject({ timestamp: z.iso.datetime(), value: z.number() }))
    .default([]),
});

const guardDutyFindingSeedSchema = z.strictObject({
  source: z.literal('guardduty'),
  /** The detector that reported it; the account's detectors are those its findings name. */
  detectorId: z.string().min(1).max(300),
  findingId: z.string().min(1).max(300),
  /** e.g. `CryptoCurrency:EC2/BitcoinTool.B!DNS`. */
  type: z.string().min(1),
  severity: z.number().min(0).max(10).default(5),
  /** Defaults to the type. */
  title: z.string().optional(),
  description: z.string().default(''),
  resourceType: z.string().default('Instance'),
  instanceId: awsIdSchema('i').optional(),
  archived: z.boolean().default(false),
  count: z.number().int().positive().default(1),
  /** ISO times; default the account's `startTime`. */
  createdAt: z.iso.datetime().optional(),
  updatedAt: z.iso.datetime().optional(),
});

/** A Security Hub product ARN, e.g. `arn:aws:securityhub:us-east-1::product/aws/guardduty`. */
export const securityHubProductArnSchema = z
  .string()
  .regex(/^arn:aws[\w-]*:securityhub:[\w-]+:(\d{12})?:product\/[^/]+\/[^/]+$/, {
    message:
      'expected a Security Hub product ARN, ' +
      'e.g. arn:aws:securityhub:us-east-1::product/aws/guardduty',
  });

const securityHubFindingSeedSchema = z.strictObject({
  source: z.literal('securityhub'),
  /** ASFF `Id`. */
  findingId: z.string().min(1).max(512),
  productArn: securityHubProductArnSchema,
  generatorId: z.string().min(1).default('firebreak-simulated'),
  /** ASFF `Types`; at least one. */
  types: z.array(z.string().min(1)).min(1),
  /** Defaults to the first type. */
  title: z.string().optional(),
  description: z.string().default(''),
  severityLabel: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).default('MEDIUM'),
  recordState: z.enum(['ACTIVE', 'ARCHIVED']).default('ACTIVE'),
  workflowStatus: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']).default('NEW'),
  /** ASFF `Resources`, e.g. `{ type: AwsEc2Instance, id: arn:aws:ec2:...:instance/i-0abc }`. */
  resources: z
    .array(z.strictObject({ type: z.string().min(1), id: z.string().min(1) }))
    .default([]),
  /** ISO times; default the account's `startTime`. */
  createdAt: z.iso.datetime().optional(),
  updatedAt: z.iso.datetime().optional(),
});

/** One seeded finding: `source: guardduty` or `source: securityhub`. */
const findingSeedSchema = z.discriminatedUnion('source', [
  guardDutyFindingSeedSchema,
  securityHubFindingSeedSchema,
]);

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
  /** Network ACLs; each VPC without one gets AWS's default allow-all ACL. */
  networkAcls: z.array(networkAclSeedSchema).default([]),
  autoScalingGroups: z.array(autoScalingGroupSeedSchema).default([]),
  iam: z
    .strictObject({
      users: z.array(iamUserSeedSchema).default([]),
      roles: z.array(iamRoleSeedSchema).default([]),
    })
    .default({ users: [], roles: [] }),
  alarms: z.array(alarmSeedSchema).default([]),
  metrics: z.array(metricSeedSchema).default([]),
  /** GuardDuty and Security Hub findings, for runbooks that check a finding is still open. */
  findings: z.array(findingSeedSchema).default([]),
});

/** A simulated account's seed as written (defaults may be left out). */
export type SimulatedAccountSeed = z.input<typeof simulatedAccountSeedSchema>;
/** A seed after validation, with every default applied. */
export type ResolvedSimulatedAccountSeed = z.output<typeof simulatedAccountSeedSchema>;
/** One security group rule as a seed writes it. */
export type SimulatedRuleSeed = z.output<typeof simulatedRuleSeedSchema>;
