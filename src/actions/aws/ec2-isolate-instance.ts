import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionContext, ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema, type InterfaceGroups } from './aws-input-schemas.js';
import { describeInstanceInterfaces, groupIdsOf } from './describe-instance-interfaces.js';
import { ALLOW_ALL_PERMISSION, ensureSecurityGroup } from './ensure-security-group.js';
import { AwsActionError } from './errors.js';
import { findInstance, toTagRecord } from './find-instance.js';
import { leaveAutoScalingGroup, type AutoScalingPrior } from './leave-auto-scaling-group.js';
import { planIsolation } from './plan-isolation.js';

/** Default name of the empty group isolated interfaces end up in. */
export const DEFAULT_QUARANTINE_GROUP_NAME = 'firebreak-quarantine';
/** Default name of the allow-all group interfaces pass through so tracked flows become untracked. */
export const DEFAULT_CONNTRACK_RESET_GROUP_NAME = 'firebreak-conntrack-reset';
/**
 * Interface tag holding the groups the interface had before isolation (comma-separated ids),
 * written before the groups change so that a redelivered step still knows them. At most five
 * groups of 20 characters fit well inside AWS's 256-character tag values.
 */
export const TAG_PREVIOUS_GROUPS = 'firebreak:previous-groups';
/** Instance tags that isolation sets and restoration removes. */
export const QUARANTINE_TAGS = ['Quarantined', 'QuarantineReason', 'QuarantineTime'] as const;

/** AWS's limit on tag values. */
const MAX_TAG_VALUE_LENGTH = 256;

const inputSchema = z.strictObject({
  instanceId: instanceIdSchema,
  /** Why, for the `QuarantineReason` tag (cut to 256 characters). */
  reason: z.string().min(1).optional(),
  /** Name of the empty group, one per VPC. Default `firebreak-quarantine`. */
  quarantineGroupName: z
    .string()
    .min(1)
    .max(255)
    .refine((name) => !name.toLowerCase().startsWith('sg-'), {
      message: 'group names may not start with sg-',
    })
    .default(DEFAULT_QUARANTINE_GROUP_NAME),
  /**
   * `reset` (default): move each interface first to an allow-all group, which makes its tracked
   * connections untracked, then to the quarantine group, which cuts them; AWS's own
   * containment guidance. `ignore`: swap straight to quarantine (tracked connections survive).
   */
  connectionTracking: z.enum(['reset', 'ignore']).default('reset'),
  conntrackResetGroupName: z.string().min(1).max(255).default(DEFAULT_CONNTRACK_RESET_GROUP_NAME),
  /**
   * What to do first when the instance is in an Auto Scaling group, so that the group does not
   * terminate it (and its evidence) as unhealthy: `detach` (default), `standby` or `ignore`.
   */
  autoScaling: z.enum(['detach', 'standby', 'ignore']).default('detach'),
  /** Lower the group's desired capacity instead of letting it launch a replacement. Default true. */
  decrementDesiredCapacity: z.boolean().default(true),
  ...awsStepFields,
});

/** Input of `aws.ec2.isolateInstance`. */
export type IsolateInstanceInput = z.output<typeof inputSchema>;

/** What isolation did, with what `aws.ec2.restoreInstanceNetwork` needs to undo it. */
export interface IsolateInstanceOutput {
  instanceId: string;
  vpcId: string;
  quarantineGroupId: string;
  /** Whether this run created the quarantine group (then the undo may delete it). */
  quarantineGroupCreated: boolean;
  /** Each interface's groups before isolation, also on redelivery. */
  previousGroups: InterfaceGroups[];
  /** The Auto Scaling group the instance left, when it was in one. */
  autoScaling?: AutoScalingPrior;
  /** Whether this delivery changed anything; false when it found the work done. */
  changed: boolean;
}

async function quarantineInterfaces(
  ec2: EC2Client,
  instanceId: string,
  quarantineGroupId: string,
  resetGroupId: string | undefined,
): Promise<{ previousGroups: InterfaceGroups[]; changed: boolean }> {
  const previousGroups: InterfaceGroups[] = [];
  let changed = false;
  for (const eni of await describeInstanceInterfaces(ec2, instanceId)) {
    const networkInterfaceId = eni.NetworkInterfaceId ?? '';
    const current = groupIdsOf(eni);
    const recorded = toTagRecord(eni.TagSet)[TAG_PREVIOUS_GROUPS];
    const previous = recorded === undefined ? current : recorded.split(',').filter(Boolean);
    previousGroups.push({ networkInterfaceId, securityGroupIds: previous });
    if (current.length === 1 && current[0] === quarantineGroupId) continue;

    // Record first: if the worker dies after the swap, the redelivery still knows the old groups.
    if (recorded === undefined) {
      const Tags = [{ Key: TAG_PREVIOUS_GROUPS, Value: previous.join(',') }];
      await ec2.send(new ec2Sdk.CreateTagsCommand({ Resources: [networkInterfaceId], Tags }));
    }
    if (resetGroupId !== undefined) {
      // Allow-all both ways makes tracked flows untracked; the swap to quarantine then cuts them.
      const toReset = { NetworkInterfaceId: networkInterfaceId, Groups: [resetGroupId] };
      await ec2.send(new ec2Sdk.ModifyNetworkInterfaceAttributeCommand(toReset));
    }
    const toQuarantine = { NetworkInterfaceId: networkInterfaceId, Groups: [quarantineGroupId] };
    await ec2.send(new ec2Sdk.ModifyNetworkInterfaceAttributeCommand(toQuarantine));
    changed = true;
  }
  return { previousGroups, changed };
}

async function tagInstance(
  ec2: EC2Client,
  context: ActionContext,
  input: IsolateInstanceInput,
  tags: Record<string, string>,
): Promise<boolean> {
  // Already tagged: keep the first QuarantineTime and reason.
  if (tags['Quarantined'] === 'true') return false;
  const reason = input.reason ?? `isolated by firebreak run ${context.runId}`;
  await ec2.send(
    new ec2Sdk.CreateTagsCommand({
      Resources: [input.instanceId],
      Tags: [
        { Key: 'Quarantined', Value: 'true' },
        { Key: 'QuarantineReason', Value: reason.slice(0, MAX_TAG_VALUE_LENGTH) },
        { Key: 'QuarantineTime', Value: new Date(context.clock.now()).toISOString() },
      ],
    }),
  );
  return true;
}

/**
 * `aws.ec2.isolateInstance`: cuts an instance off the network by putting every one of its
 * network interfaces in an empty quarantine group (no inbound, no outbound rule), then tags it
 * `Quarantined`, `QuarantineReason` and `QuarantineTime`. First it takes the instance out of
 * its Auto Scaling group (or into standby), and, unless told not to, passes each interface
 * through an allow-all group so that connection tracking lets go of open sessions (see
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html).
 *
 * Check-then-act: each interface's previous groups are tagged on the interface
 * (`firebreak:previous-groups`) before its groups change, interfaces already in quarantine are
 * left alone, and an instance already tagged keeps its tags. Delivered twice, the second
 * delivery changes nothing and still reports the original groups. Undo:
 * `aws.ec2.restoreInstanceNetwork` with this output.
 */
export const ec2IsolateInstance: ActionDefinition<IsolateInstanceInput, IsolateInstanceOutput> = {
  id: 'aws.ec2.isolateInstance',
  summary: 'Isolate an EC2 instance: every network interface into an empty quarantine group',
  input: inputSchema,
  iamActions: [
    'ec2:DescribeInstances',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:ModifyNetworkInterfaceAttribute',
    'ec2:CreateTags',
    'autoscaling:DescribeAutoScalingInstances',
    'autoscaling:DetachInstances',
    'autoscaling:EnterStandby',
  ],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const instance = await findInstance(ec2, input.instanceId);
    const vpcId = instance.VpcId;
    if (instance.State?.Name === 'terminated') {
      throw new AwsActionError(
        'AWS_INSTANCE_TERMINATED',
        `instance ${input.instanceId} is terminated; there is nothing to isolate`,
      );
    }
    if (vpcId === undefined) {
      throw new AwsActionError(
        'AWS_INSTANCE_NOT_IN_VPC',
        `instance ${input.instanceId} is not in a VPC; isolate it by other means`,
      );
    }

    const tags = toTagRecord(instance.Tags);
    const autoScaling = await leaveAutoScalingGroup(context, input, tags);
    const reset =
      input.connectionTracking === 'reset'
        ? await ensureSecurityGroup(ec2, context, {
            vpcId,
            name: input.conntrackResetGroupName,
            description: 'firebreak connection tracking reset: all traffic, used for an instant',
            purpose: 'conntrack-reset',
            rules: { ingress: [ALLOW_ALL_PERMISSION], egress: [ALLOW_ALL_PERMISSION] },
          })
        : undefined;
    const quarantine = await ensureSecurityGroup(ec2, context, {
      vpcId,
      name: input.quarantineGroupName,
      description: 'firebreak quarantine: no inbound or outbound traffic',
      purpose: 'quarantine',
      rules: { ingress: [], egress: [] },
    });
    const interfaces = await quarantineInterfaces(
      ec2,
      input.instanceId,
      quarantine.groupId,
      reset?.groupId,
    );
    const tagged = await tagInstance(ec2, context, input, tags);
    const changed = [
      autoScaling.changed,
      reset?.changed,
      quarantine.changed,
      interfaces.changed,
      tagged,
    ];

    return {
      instanceId: input.instanceId,
      vpcId,
      quarantineGroupId: quarantine.groupId,
      quarantineGroupCreated: quarantine.createdByRun,
      previousGroups: interfaces.previousGroups,
      ...(autoScaling.prior === undefined ? {} : { autoScaling: autoScaling.prior }),
      changed: changed.some(Boolean),
    };
  },

  plan: planIsolation,

  undo: {
    action: 'aws.ec2.restoreInstanceNetwork',
    input: (output) => ({
      instanceId: output.instanceId,
      previousGroups: output.previousGroups,
      ...(output.autoScaling === undefined ? {} : { autoScaling: output.autoScaling }),
    }),
  },
};
