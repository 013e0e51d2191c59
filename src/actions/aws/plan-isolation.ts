import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import type { PlanContext, PlannedChange } from '../types.js';
import { describeInstanceInterfaces, groupIdsOf } from './describe-instance-interfaces.js';
import type { IsolateInstanceInput } from './ec2-isolate-instance.js';
import { findInstance, toTagRecord } from './find-instance.js';

async function findGroupId(context: PlanContext, vpcId: string, name: string) {
  const filters = [
    { Name: 'vpc-id', Values: [vpcId] },
    { Name: 'group-name', Values: [name] },
  ];
  const result = await context.aws
    .ec2()
    .send(new ec2Sdk.DescribeSecurityGroupsCommand({ Filters: filters }));
  return result.SecurityGroups?.[0]?.GroupId;
}

async function planAutoScaling(
  context: PlanContext,
  input: IsolateInstanceInput,
): Promise<PlannedChange[]> {
  if (input.autoScaling === 'ignore') return [];
  const found = await context.aws
    .autoScaling()
    .send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [input.instanceId] }));
  const membership = found.AutoScalingInstances?.[0];
  if (membership === undefined) return [];
  const state = membership.LifecycleState ?? 'InService';
  if (input.autoScaling === 'standby' && state === 'Standby') return [];
  const resource = `${input.instanceId} auto scaling group ${membership.AutoScalingGroupName}`;
  const after = input.autoScaling === 'detach' ? 'detached' : 'Standby';
  return [{ resource, before: state, after }];
}

/**
 * The plan of `aws.ec2.isolateInstance`: the Auto Scaling change, each interface's groups
 * before and after, and the quarantine tag. Times are left out so that the plan of unchanged
 * live state hashes the same at approval and at run time.
 */
export async function planIsolation(
  input: IsolateInstanceInput,
  context: PlanContext,
): Promise<PlannedChange[]> {
  const ec2 = context.aws.ec2();
  const instance = await findInstance(ec2, input.instanceId);
  const vpcId = instance.VpcId ?? '';
  const groupId = await findGroupId(context, vpcId, input.quarantineGroupName);
  const target = groupId ?? `${input.quarantineGroupName} (new group)`;
  const changes = await planAutoScaling(context, input);

  for (const eni of await describeInstanceInterfaces(ec2, input.instanceId)) {
    const current = groupIdsOf(eni);
    if (groupId !== undefined && current.length === 1 && current[0] === groupId) continue;
    const resource = eni.NetworkInterfaceId ?? '';
    changes.push({ resource, before: current.join(', ') || '(none)', after: target });
  }
  const tags = toTagRecord(instance.Tags);
  if (tags['Quarantined'] !== 'true') {
    const before = tags['Quarantined'] ?? '(none)';
    changes.push({ resource: `${input.instanceId} tag Quarantined`, before, after: 'true' });
  }
  return changes;
}
