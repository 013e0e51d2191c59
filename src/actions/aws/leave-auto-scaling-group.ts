import {
  DescribeAutoScalingInstancesCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
} from '@aws-sdk/client-auto-scaling';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import type { ActionContext } from '../types.js';

/**
 * Instance tag recording the Auto Scaling group an isolation took the instance out of, as
 * `group|detach|decremented`, written before the change so that a redelivery still knows it.
 */
export const TAG_PREVIOUS_AUTO_SCALING = 'firebreak:previous-auto-scaling';

/** The Auto Scaling membership an isolation changed, for the undo. */
export interface AutoScalingPrior {
  groupName: string;
  action: 'detach' | 'standby';
  desiredCapacityDecremented: boolean;
}

function fromTag(value: string | undefined): AutoScalingPrior | undefined {
  if (value === undefined) return undefined;
  const [groupName = '', action, decremented] = value.split('|');
  return {
    groupName,
    action: action === 'standby' ? 'standby' : 'detach',
    desiredCapacityDecremented: decremented === 'decremented',
  };
}

/**
 * Takes an instance out of its Auto Scaling group (or into standby) before isolation, so that
 * failing health checks do not get it terminated. Check-then-act through the instance tag
 * {@link TAG_PREVIOUS_AUTO_SCALING}.
 */
export async function leaveAutoScalingGroup(
  context: ActionContext,
  input: {
    instanceId: string;
    autoScaling: 'detach' | 'standby' | 'ignore';
    decrementDesiredCapacity: boolean;
  },
  instanceTags: Record<string, string>,
): Promise<{ prior?: AutoScalingPrior; changed: boolean }> {
  if (input.autoScaling === 'ignore') return { changed: false };
  const recorded = fromTag(instanceTags[TAG_PREVIOUS_AUTO_SCALING]);
  const autoScaling = context.aws.autoScaling();
  const found = await autoScaling.send(
    new DescribeAutoScalingInstancesCommand({ InstanceIds: [input.instanceId] }),
  );
  const membership = found.AutoScalingInstances?.[0];
  const alreadyOut =
    membership === undefined ||
    (input.autoScaling === 'standby' && membership.LifecycleState === 'Standby');
  if (alreadyOut)
    return recorded === undefined ? { changed: false } : { prior: recorded, changed: false };

  const prior: AutoScalingPrior = {
    groupName: membership.AutoScalingGroupName ?? '',
    action: input.autoScaling,
    desiredCapacityDecremented: input.decrementDesiredCapacity,
  };
  const tagValue = `${prior.groupName}|${prior.action}|${prior.desiredCapacityDecremented ? 'decremented' : 'kept'}`;
  await context.aws.ec2().send(
    new ec2Sdk.CreateTagsCommand({
      Resources: [input.instanceId],
      Tags: [{ Key: TAG_PREVIOUS_AUTO_SCALING, Value: tagValue }],
    }),
  );
  const request = {
    InstanceIds: [input.instanceId],
    AutoScalingGroupName: prior.groupName,
    ShouldDecrementDesiredCapacity: prior.desiredCapacityDecremented,
  };
  await autoScaling.send(
    prior.action === 'detach'
      ? new DetachInstancesCommand(request)
      : new EnterStandbyCommand(request),
  );
  return { prior, changed: true };
}
