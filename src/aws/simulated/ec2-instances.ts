import type {
  DescribeInstancesRequest,
  DescribeInstancesResult,
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  GroupIdentifier,
  Instance,
  InstanceNetworkInterface,
  ModifyNetworkInterfaceAttributeRequest,
  NetworkInterface,
} from '@aws-sdk/client-ec2';
import {
  EC2_RESOURCE_KINDS,
  interfacesOf,
  requireAll,
  requireNetworkInterface,
} from './ec2-lookups.js';
import { updateConnections } from './connection-tracking.js';
import { matchesFilters, tagFilterValues, toTagList } from './filters.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type {
  SimulatedInstance,
  SimulatedInstanceStateName,
  SimulatedNetworkInterface,
} from './simulated-account-state.js';

/** AWS's numeric codes for instance states. */
export const INSTANCE_STATE_CODES: Record<SimulatedInstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** AWS's limit of security groups on one network interface (a quota; 5 by default). */
const MAX_GROUPS_PER_INTERFACE = 5;

function groupIdentifiers(
  context: SimulatedContext,
  groupIds: readonly string[],
): GroupIdentifier[] {
  return groupIds.map((groupId) => ({
    GroupId: groupId,
    GroupName: context.state.securityGroups.find((g) => g.groupId === groupId)?.groupName,
  }));
}

function availabilityZoneOf(context: SimulatedContext, subnetId: string): string {
  const subnet = context.state.subnets.find((s) => s.subnetId === subnetId);
  return subnet?.availabilityZone ?? `${context.state.region}a`;
}

function toInstanceInterface(
  context: SimulatedContext,
  eni: SimulatedNetworkInterface,
): InstanceNetworkInterface {
  return {
    NetworkInterfaceId: eni.networkInterfaceId,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    PrivateIpAddress: eni.privateIpAddress,
    OwnerId: context.state.accountId,
    Status: 'in-use',
    InterfaceType: 'interface',
    Groups: groupIdentifiers(context, eni.groupIds),
    Attachment: {
      AttachmentId: `eni-attach-${eni.networkInterfaceId.slice(4)}`,
      DeviceIndex: eni.attachment?.deviceIndex ?? 0,
      Status: 'attached',
      DeleteOnTermination: (eni.attachment?.deviceIndex ?? 0) === 0,
    },
  };
}

function toInstance(context: SimulatedContext, instance: SimulatedInstance): Instance {
  const enis = interfacesOf(context, instance.instanceId);
  const volumes = context.state.volumes.filter(
    (v) => v.attachment?.instanceId === instance.instanceId,
  );
  const allGroupIds = [...new Set(enis.flatMap((eni) => eni.groupIds))];
  return {
    InstanceId: instance.instanceId,
    InstanceType: instance.instanceType as Instance['InstanceType'],
    ImageId: instance.imageId,
    State: { Code: INSTANCE_STATE_CODES[instance.state], Name: instance.state },
    VpcId: instance.vpcId,
    SubnetId: instance.subnetId,
    PrivateIpAddress: enis[0]?.privateIpAddress,
    LaunchTime: new Date(instance.launchTime),
    Placement: {
      AvailabilityZone: availabilityZoneOf(context, instance.subnetId),
      Tenancy: 'default',
    },
    Monitoring: { State: 'disabled' },
    Architecture: 'x86_64',
    RootDeviceType: 'ebs',
    RootDeviceName: volumes[0]?.attachment?.deviceName ?? '/dev/xvda',
    SecurityGroups: groupIdentifiers(context, allGroupIds),
    NetworkInterfaces: enis.map((eni) => toInstanceInterface(context, eni)),
    BlockDeviceMappings: volumes.map((v) => ({
      DeviceName: v.attachment?.deviceName,
      Ebs: {
        VolumeId: v.volumeId,
        Status: 'attached',
        AttachTime: new Date(v.createTime),
        DeleteOnTermination: v.attachment?.deleteOnTermination,
      },
    })),
    Tags: toTagList(instance.tags),
  };
}

function instanceFilterValues(
  context: SimulatedContext,
  instance: SimulatedInstance,
  name: string,
) {
  const enis = interfacesOf(context, instance.instanceId);
  const groupIds = enis.flatMap((eni) => eni.groupIds);
  const values: Record<string, (string | undefined)[]> = {
    'instance-id': [instance.instanceId],
    'instance-state-name': [instance.state],
    'instance-state-code': [String(INSTANCE_STATE_CODES[instance.state])],
    'instance-type': [instance.instanceType],
    'vpc-id': [instance.vpcId],
    'subnet-id': [instance.subnetId],
    'image-id': [instance.imageId],
    'private-ip-address': enis.map((eni) => eni.privateIpAddress),
    'network-interface.network-interface-id': enis.map((eni) => eni.networkInterfaceId),
    'instance.group-id': groupIds,
    'instance.group-name': groupIdentifiers(context, groupIds).map((g) => g.GroupName),
  };
  return values[name] ?? tagFilterValues(instance.tags, name);
}

function toNetworkInterface(
  context: SimulatedContext,
  eni: SimulatedNetworkInterface,
): NetworkInterface {
  const attachment = eni.attachment;
  return {
    NetworkInterfaceId: eni.networkInterfaceId,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    AvailabilityZone: availabilityZoneOf(context, eni.subnetId),
    PrivateIpAddress: eni.privateIpAddress,
    PrivateIpAddresses: [{ PrivateIpAddress: eni.privateIpAddress, Primary: true }],
    OwnerId: context.state.accountId,
    InterfaceType: 'interface',
    Status: attachment === undefined ? 'available' : 'in-use',
    SourceDestCheck: true,
    Groups: groupIdentifiers(context, eni.groupIds),
    Attachment:
      attachment === undefined
        ? undefined
        : {
            AttachmentId: `eni-attach-${eni.networkInterfaceId.slice(4)}`,
            InstanceId: attachment.instanceId,
            InstanceOwnerId: context.state.accountId,
            DeviceIndex: attachment.deviceIndex,
            Status: 'attached',
          },
    TagSet: toTagList(eni.tags) ?? [],
  };
}

function interfaceFilterValues(eni: SimulatedNetworkInterface, name: string) {
  const values: Record<string, (string | undefined)[]> = {
    'network-interface-id': [eni.networkInterfaceId],
    'attachment.instance-id': [eni.attachment?.instanceId],
    'vpc-id': [eni.vpcId],
    'subnet-id': [eni.subnetId],
    'group-id': eni.groupIds,
    'private-ip-address': [eni.privateIpAddress],
    status: [eni.attachment === undefined ? 'available' : 'in-use'],
  };
  return values[name] ?? tagFilterValues(eni.tags, name);
}

function setInterfaceGroups(
  context: SimulatedContext,
  eni: SimulatedNetworkInterface,
  groupIds: string[],
) {
  if (groupIds.length === 0) {
    throw awsError('MissingParameter', 'The request must contain the parameter groupId');
  }
  const unique = [...new Set(groupIds)];
  if (unique.length > MAX_GROUPS_PER_INTERFACE) {
    throw awsError(
      'SecurityGroupsPerInterfaceLimitExceeded',
      'The maximum number of security groups per interface has been reached.',
    );
  }
  const groups = requireAll(
    EC2_RESOURCE_KINDS.securityGroup,
    unique,
    context.state.securityGroups,
    (g) => g.groupId,
  );
  const foreign = groups.find((g) => g.vpcId !== eni.vpcId);
  if (foreign !== undefined) {
    throw awsError(
      'InvalidParameter',
      'You have specified two resources that belong to different networks.',
    );
  }
  eni.groupIds = unique;
  updateConnections(context, eni);
}

/** Instance and network interface operations of the simulated EC2. */
export const ec2InstanceOperations = {
  DescribeInstances(
    context: SimulatedContext,
    input: DescribeInstancesRequest,
  ): DescribeInstancesResult {
    const { instances } = context.state;
    const named = input.InstanceIds?.length
      ? requireAll(EC2_RESOURCE_KINDS.instance, input.InstanceIds, instances, (i) => i.instanceId)
      : instances;
    const found = named.filter((i) =>
      matchesFilters(input.Filters, (name) => instanceFilterValues(context, i, name)),
    );
    return {
      Reservations: found.map((instance) => ({
        ReservationId: `r-${instance.instanceId.slice(2)}`,
        OwnerId: context.state.accountId,
        Groups: [],
        Instances: [toInstance(context, instance)],
      })),
    };
  },

  DescribeNetworkInterfaces(
    context: SimulatedContext,
    input: DescribeNetworkInterfacesRequest,
  ): DescribeNetworkInterfacesResult {
    const enis = context.state.networkInterfaces;
    const kind = EC2_RESOURCE_KINDS.networkInterface;
    const named = input.NetworkInterfaceIds?.length
      ? requireAll(kind, input.NetworkInterfaceIds, enis, (e) => e.networkInterfaceId)
      : enis;
    const found = named.filter((eni) =>
      matchesFilters(input.Filters, (name) => interfaceFilterValues(eni, name)),
    );
    return { NetworkInterfaces: found.map((eni) => toNetworkInterface(context, eni)) };
  },

  ModifyNetworkInterfaceAttribute(
    context: SimulatedContext,
    input: ModifyNetworkInterfaceAttributeRequest,
  ): object {
    const eni = requireNetworkInterface(context, input.NetworkInterfaceId ?? '');
    if (input.Groups !== undefined) setInterfaceGroups(context, eni, input.Groups);
    return {};
  },
} satisfies SimulatedOperationTable;
