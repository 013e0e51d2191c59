import type {
  Activity,
  AttachInstancesQuery,
  AutoScalingInstancesType,
  DescribeAutoScalingInstancesType,
  DetachInstancesQuery,
  EnterStandbyQuery,
  ExitStandbyQuery,
} from '@aws-sdk/client-auto-scaling';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedAutoScalingGroup } from './simulated-account-state.js';

function requireGroup(
  context: SimulatedContext,
  name: string | undefined,
): SimulatedAutoScalingGroup {
  const group = context.state.autoScalingGroups.find((g) => g.name === name);
  if (group === undefined) {
    throw awsError(
      'ValidationError',
      `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`,
    );
  }
  return group;
}

function requireMembers(
  group: SimulatedAutoScalingGroup,
  instanceIds: readonly string[],
  lifecycleState: 'InService' | 'Standby',
) {
  return instanceIds.map((instanceId) => {
    const member = group.instances.find((i) => i.instanceId === instanceId);
    if (member === undefined) {
      throw awsError(
        'ValidationError',
        `The instance ${instanceId} is not part of Auto Scaling group ${group.name}.`,
      );
    }
    if (member.lifecycleState !== lifecycleState) {
      throw awsError('ValidationError', `The instance ${instanceId} is not in ${lifecycleState}.`);
    }
    return member;
  });
}

function changeDesired(group: SimulatedAutoScalingGroup, delta: number): void {
  const desired = group.desiredCapacity + delta;
  if (desired < group.minSize) {
    throw awsError(
      'ValidationError',
      `Currently, desiredSize equals minSize (${group.minSize}). Terminating or detaching instances would result in desiredSize < minSize.`,
    );
  }
  if (desired > group.maxSize) {
    throw awsError(
      'ValidationError',
      `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
    );
  }
  group.desiredCapacity = desired;
}

function activities(
  context: SimulatedContext,
  group: string,
  ids: readonly string[],
  verb: string,
): Activity[] {
  return ids.map((instanceId) => ({
    ActivityId: context.ids.nextUuid('activity'),
    AutoScalingGroupName: group,
    Description: `${verb} EC2 instance: ${instanceId}`,
    Cause: `At ${context.now()} instance ${instanceId} was ${verb.toLowerCase()} in response to a user request.`,
    StartTime: new Date(context.now()),
    StatusCode: 'InProgress',
    Progress: 50,
  }));
}

/** Operations of the simulated EC2 Auto Scaling. The simulation launches no replacements. */
export const autoScalingOperations = {
  DescribeAutoScalingInstances(
    context: SimulatedContext,
    input: DescribeAutoScalingInstancesType,
  ): AutoScalingInstancesType {
    const wanted = input.InstanceIds;
    const found = context.state.autoScalingGroups.flatMap((group) =>
      group.instances
        .filter((member) => wanted === undefined || wanted.includes(member.instanceId))
        .map((member) => ({
          InstanceId: member.instanceId,
          AutoScalingGroupName: group.name,
          AvailabilityZone: `${context.state.region}a`,
          LifecycleState: member.lifecycleState,
          HealthStatus: 'HEALTHY',
          ProtectedFromScaleIn: false,
        })),
    );
    return { AutoScalingInstances: found };
  },

  DetachInstances(context: SimulatedContext, input: DetachInstancesQuery) {
    const group = requireGroup(context, input.AutoScalingGroupName);
    const ids = input.InstanceIds ?? [];
    const members = ids.map((id) => {
      const member = group.instances.find((i) => i.instanceId === id);
      if (member === undefined) {
        throw awsError(
          'ValidationError',
          `The instance ${id} is not part of Auto Scaling group ${group.name}.`,
        );
      }
      return member;
    });
    if (input.ShouldDecrementDesiredCapacity) changeDesired(group, -ids.length);
    group.instances = group.instances.filter((member) => !members.includes(member));
    return { Activities: activities(context, group.name, ids, 'Detaching') };
  },

  AttachInstances(context: SimulatedContext, input: AttachInstancesQuery): object {
    const group = requireGroup(context, input.AutoScalingGroupName);
    const ids = input.InstanceIds ?? [];
    for (const id of ids) {
      const instance = context.state.instances.find((i) => i.instanceId === id);
      if (instance === undefined || instance.state !== 'running') {
        throw awsError(
          'ValidationError',
          `Instance ${id} is not in correct state. Only running instances can be attached.`,
        );
      }
      if (
        context.state.autoScalingGroups.some((g) => g.instances.some((m) => m.instanceId === id))
      ) {
        throw awsError(
          'ValidationError',
          `The instance ${id} is already part of an Auto Scaling group.`,
        );
      }
    }
    // Attaching raises the desired capacity by the number of instances attached.
    changeDesired(group, ids.length);
    group.instances.push(
      ...ids.map((instanceId) => ({ instanceId, lifecycleState: 'InService' as const })),
    );
    return {};
  },

  EnterStandby(context: SimulatedContext, input: EnterStandbyQuery) {
    const group = requireGroup(context, input.AutoScalingGroupName);
    const ids = input.InstanceIds ?? [];
    const members = requireMembers(group, ids, 'InService');
    if (input.ShouldDecrementDesiredCapacity) changeDesired(group, -ids.length);
    for (const member of members) member.lifecycleState = 'Standby';
    return { Activities: activities(context, group.name, ids, 'Moving to standby') };
  },

  ExitStandby(context: SimulatedContext, input: ExitStandbyQuery) {
    const group = requireGroup(context, input.AutoScalingGroupName);
    const ids = input.InstanceIds ?? [];
    const members = requireMembers(group, ids, 'Standby');
    changeDesired(group, ids.length);
    for (const member of members) member.lifecycleState = 'InService';
    return { Activities: activities(context, group.name, ids, 'Moving out of standby') };
  },
} satisfies SimulatedOperationTable;
