import {
  AttachInstancesCommand,
  DescribeAutoScalingInstancesCommand,
  ExitStandbyCommand,
} from '@aws-sdk/client-auto-scaling';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionContext, ActionDefinition } from '../types.js';
import {
  awsStepFields,
  instanceIdSchema,
  interfaceGroupsSchema,
  type InterfaceGroups,
} from './aws-input-schemas.js';
import { describeInstanceInterfaces, groupIdsOf } from './describe-instance-interfaces.js';
import { QUARANTINE_TAGS, TAG_PREVIOUS_GROUPS } from './ec2-isolate-instance.js';
import { AwsActionError } from './errors.js';
import { findInstance, toTagRecord } from './find-instance.js';
import { TAG_PREVIOUS_AUTO_SCALING, type AutoScalingPrior } from './leave-auto-scaling-group.js';

const inputSchema = z.strictObject({
  instanceId: instanceIdSchema,
  /** `previousGroups` from `aws.ec2.isolateInstance`'s output. */
  previousGroups: z.array(interfaceGroupsSchema).min(1),
  /** `autoScaling` from `aws.ec2.isolateInstance`'s output: put the instance back in its group. */
  autoScaling: z
    .strictObject({
      groupName: z.string().min(1),
      action: z.enum(['detach', 'standby']),
      desiredCapacityDecremented: z.boolean(),
    })
    .optional(),
  ...awsStepFields,
});

/** Input of `aws.ec2.restoreInstanceNetwork`. */
export type RestoreInstanceNetworkInput = z.output<typeof inputSchema>;

/** What restoration changed, with the groups it replaced (for an undo of the undo). */
export interface RestoreInstanceNetworkOutput {
  instanceId: string;
  restoredGroups: InterfaceGroups[];
  replacedGroups: InterfaceGroups[];
  /** Whether the instance went back into its Auto Scaling group in this delivery. */
  autoScalingRestored: boolean;
  changed: boolean;
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

async function returnToAutoScalingGroup(
  context: ActionContext,
  instanceId: string,
  prior: AutoScalingPrior,
) {
  const autoScaling = context.aws.autoScaling();
  const found = await autoScaling.send(
    new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }),
  );
  const membership = found.AutoScalingInstances?.[0];
  const request = { InstanceIds: [instanceId], AutoScalingGroupName: prior.groupName };
  if (prior.action === 'detach' && membership === undefined) {
    // AttachInstances raises the desired capacity by one: exact when isolation lowered it.
    await autoScaling.send(new AttachInstancesCommand(request));
    return true;
  }
  if (prior.action === 'standby' && membership?.LifecycleState === 'Standby') {
    await autoScaling.send(new ExitStandbyCommand(request));
    return true;
  }
  return false;
}

/**
 * `aws.ec2.restoreInstanceNetwork`: the undo of `aws.ec2.isolateInstance`. Gives each network
 * interface back the groups it had, removes the quarantine tags and puts the instance back in
 * its Auto Scaling group. Check-then-act: interfaces that already have their groups and tags
 * already gone are left alone, so a redelivery changes nothing. Connections cut by isolation
 * stay cut, and the shared quarantine groups stay for the next incident.
 */
export const ec2RestoreInstanceNetwork: ActionDefinition<
  RestoreInstanceNetworkInput,
  RestoreInstanceNetworkOutput
> = {
  id: 'aws.ec2.restoreInstanceNetwork',
  summary: 'Undo an isolation: restore the security groups of every interface of an instance',
  input: inputSchema,
  iamActions: [
    'ec2:DescribeInstances',
    'ec2:DescribeNetworkInterfaces',
    'ec2:ModifyNetworkInterfaceAttribute',
    'ec2:DeleteTags',
    'autoscaling:DescribeAutoScalingInstances',
    'autoscaling:AttachInstances',
    'autoscaling:ExitStandby',
  ],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const instance = await findInstance(ec2, input.instanceId);
    const interfaces = await describeInstanceInterfaces(ec2, input.instanceId);
    const replacedGroups: InterfaceGroups[] = [];
    let changed = false;

    for (const wanted of input.previousGroups) {
      const eni = interfaces.find((n) => n.NetworkInterfaceId === wanted.networkInterfaceId);
      if (eni === undefined) {
        throw new AwsActionError(
          'AWS_RESTORE_MISMATCH',
          `network interface ${wanted.networkInterfaceId} is no longer attached to ${input.instanceId}; restore its groups by hand`,
        );
      }
      const current = groupIdsOf(eni);
      replacedGroups.push({
        networkInterfaceId: wanted.networkInterfaceId,
        securityGroupIds: current,
      });
      if (!sameGroups(current, wanted.securityGroupIds)) {
        const command = {
          NetworkInterfaceId: wanted.networkInterfaceId,
          Groups: wanted.securityGroupIds,
        };
        await ec2.send(new ec2Sdk.ModifyNetworkInterfaceAttributeCommand(command));
        changed = true;
      }
      if (toTagRecord(eni.TagSet)[TAG_PREVIOUS_GROUPS] !== undefined) {
        const Tags = [{ Key: TAG_PREVIOUS_GROUPS }];
        await ec2.send(
          new ec2Sdk.DeleteTagsCommand({ Resources: [wanted.networkInterfaceId], Tags }),
        );
        changed = true;
      }
    }

    const autoScalingRestored =
      input.autoScaling === undefined
        ? false
        : await returnToAutoScalingGroup(context, input.instanceId, input.autoScaling);
    const tags = toTagRecord(instance.Tags);
    const doomed = [...QUARANTINE_TAGS, TAG_PREVIOUS_AUTO_SCALING].filter(
      (key) => tags[key] !== undefined,
    );
    if (doomed.length > 0) {
      await ec2.send(
        new ec2Sdk.DeleteTagsCommand({
          Resources: [input.instanceId],
          Tags: doomed.map((Key) => ({ Key })),
        }),
      );
      changed = true;
    }
    return {
      instanceId: input.instanceId,
      restoredGroups: input.previousGroups,
      replacedGroups,
      autoScalingRestored,
      changed: changed || autoScalingRestored,
    };
  },
};
