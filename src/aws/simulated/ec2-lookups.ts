import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext } from './simulated-context.js';
import type {
  SimulatedInstance,
  SimulatedNetworkInterface,
  SimulatedSecurityGroup,
  SimulatedSnapshot,
  SimulatedTags,
  SimulatedVolume,
  SimulatedVpc,
} from './simulated-account-state.js';

interface ResourceKind {
  readonly prefix: string;
  readonly malformedCode: string;
  readonly notFoundCode: string;
  readonly notFound: (ids: readonly string[]) => string;
}

function quoted(ids: readonly string[]): string {
  return `'${ids.join(', ')}'`;
}

/** EC2 resource kinds by id prefix, with AWS's error codes and wording. */
export const EC2_RESOURCE_KINDS = {
  instance: {
    prefix: 'i',
    malformedCode: 'InvalidInstanceID.Malformed',
    notFoundCode: 'InvalidInstanceID.NotFound',
    notFound: (ids) =>
      ids.length === 1
        ? `The instance ID ${quoted(ids)} does not exist`
        : `The instance IDs ${quoted(ids)} do not exist`,
  },
  securityGroup: {
    prefix: 'sg',
    malformedCode: 'InvalidGroupId.Malformed',
    notFoundCode: 'InvalidGroup.NotFound',
    notFound: (ids) => `The security group ${quoted(ids)} does not exist`,
  },
  volume: {
    prefix: 'vol',
    malformedCode: 'InvalidVolumeID.Malformed',
    notFoundCode: 'InvalidVolume.NotFound',
    notFound: (ids) => `The volume ${quoted(ids)} does not exist.`,
  },
  snapshot: {
    prefix: 'snap',
    malformedCode: 'InvalidSnapshotID.Malformed',
    notFoundCode: 'InvalidSnapshot.NotFound',
    notFound: (ids) => `The snapshot ${quoted(ids)} does not exist.`,
  },
  networkInterface: {
    prefix: 'eni',
    malformedCode: 'InvalidNetworkInterfaceID.Malformed',
    notFoundCode: 'InvalidNetworkInterfaceID.NotFound',
    notFound: (ids) => `The networkInterface ID ${quoted(ids)} does not exist`,
  },
  vpc: {
    prefix: 'vpc',
    malformedCode: 'InvalidVpcID.Malformed',
    notFoundCode: 'InvalidVpcID.NotFound',
    notFound: (ids) => `The vpc ID ${quoted(ids)} does not exist`,
  },
  subnet: {
    prefix: 'subnet',
    malformedCode: 'InvalidSubnetID.Malformed',
    notFoundCode: 'InvalidSubnetID.NotFound',
    notFound: (ids) => `The subnet ID ${quoted(ids)} does not exist`,
  },
} satisfies Record<string, ResourceKind>;

/** Throws AWS's `*.Malformed` error unless every id has the kind's shape. */
export function checkIdShapes(kind: ResourceKind, ids: readonly string[]): void {
  const pattern = new RegExp(`^${kind.prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    throw awsError(kind.malformedCode, `Invalid id: "${bad}" (expecting "${kind.prefix}-...")`);
  }
}

/** Finds every id among `items`, or throws AWS's malformed or not-found error. */
export function requireAll<T>(
  kind: ResourceKind,
  ids: readonly string[],
  items: readonly T[],
  idOf: (item: T) => string,
): T[] {
  checkIdShapes(kind, ids);
  const missing = ids.filter((id) => !items.some((item) => idOf(item) === id));
  if (missing.length > 0) throw awsError(kind.notFoundCode, kind.notFound(missing));
  return ids.map((id) => items.find((item) => idOf(item) === id) as T);
}

/** The instance, or AWS's error. */
export function requireInstance(context: SimulatedContext, id: string): SimulatedInstance {
  const [found] = requireAll(
    EC2_RESOURCE_KINDS.instance,
    [id],
    context.state.instances,
    (i) => i.instanceId,
  );
  return found as SimulatedInstance;
}

/** The security group, or AWS's error. */
export function requireSecurityGroup(
  context: SimulatedContext,
  id: string,
): SimulatedSecurityGroup {
  const groups = context.state.securityGroups;
  const [found] = requireAll(EC2_RESOURCE_KINDS.securityGroup, [id], groups, (g) => g.groupId);
  return found as SimulatedSecurityGroup;
}

/** The network interface, or AWS's error. */
export function requireNetworkInterface(
  context: SimulatedContext,
  id: string,
): SimulatedNetworkInterface {
  const enis = context.state.networkInterfaces;
  const kind = EC2_RESOURCE_KINDS.networkInterface;
  const [found] = requireAll(kind, [id], enis, (eni) => eni.networkInterfaceId);
  return found as SimulatedNetworkInterface;
}

/** The volume, or AWS's error. */
export function requireVolume(context: SimulatedContext, id: string): SimulatedVolume {
  const [found] = requireAll(
    EC2_RESOURCE_KINDS.volume,
    [id],
    context.state.volumes,
    (v) => v.volumeId,
  );
  return found as SimulatedVolume;
}

/** The VPC, or AWS's error. */
export function requireVpc(context: SimulatedContext, id: string): SimulatedVpc {
  const [found] = requireAll(EC2_RESOURCE_KINDS.vpc, [id], context.state.vpcs, (v) => v.vpcId);
  return found as SimulatedVpc;
}

/** The network interfaces attached to an instance, primary first. */
export function interfacesOf(context: SimulatedContext, instanceId: string) {
  return context.state.networkInterfaces
    .filter((eni) => eni.attachment?.instanceId === instanceId)
    .sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
}

/** The tags of any taggable EC2 resource by id, or AWS's error for that kind. */
export function requireTaggable(context: SimulatedContext, id: string): { tags: SimulatedTags } {
  const { state } = context;
  const kinds = EC2_RESOURCE_KINDS;
  const byPrefix: Record<string, () => { tags: SimulatedTags }> = {
    i: () => requireInstance(context, id),
    sg: () => requireSecurityGroup(context, id),
    eni: () => requireNetworkInterface(context, id),
    vol: () => requireVolume(context, id),
    vpc: () => requireVpc(context, id),
    snap: () =>
      requireAll(
        kinds.snapshot,
        [id],
        state.snapshots,
        (s) => s.snapshotId,
      )[0] as SimulatedSnapshot,
    subnet: () =>
      requireAll(kinds.subnet, [id], state.subnets, (s) => s.subnetId)[0] as {
        tags: SimulatedTags;
      },
  };
  const find = byPrefix[id.split('-')[0] ?? ''];
  if (find === undefined) throw awsError('InvalidID', `The ID '${id}' is not valid`);
  return find();
}
