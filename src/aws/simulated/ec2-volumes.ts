import type {
  CreateSnapshotRequest,
  DescribeSnapshotsRequest,
  DescribeSnapshotsResult,
  DescribeVolumesRequest,
  DescribeVolumesResult,
  Snapshot,
  Volume,
} from '@aws-sdk/client-ec2';
import { EC2_RESOURCE_KINDS, requireAll, requireVolume } from './ec2-lookups.js';
import { tagsFromSpecifications } from './ec2-security-groups.js';
import { matchesFilters, tagFilterValues, toTagList } from './filters.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedSnapshot, SimulatedVolume } from './simulated-account-state.js';

function toVolume(volume: SimulatedVolume): Volume {
  const attachment = volume.attachment;
  return {
    VolumeId: volume.volumeId,
    Size: volume.sizeGiB,
    VolumeType: volume.volumeType as Volume['VolumeType'],
    AvailabilityZone: volume.availabilityZone,
    CreateTime: new Date(volume.createTime),
    Encrypted: false,
    State: attachment === undefined ? 'available' : 'in-use',
    Attachments:
      attachment === undefined
        ? []
        : [
            {
              VolumeId: volume.volumeId,
              InstanceId: attachment.instanceId,
              Device: attachment.deviceName,
              State: 'attached',
              AttachTime: new Date(volume.createTime),
              DeleteOnTermination: attachment.deleteOnTermination,
            },
          ],
    Tags: toTagList(volume.tags),
  };
}

function volumeFilterValues(volume: SimulatedVolume, name: string) {
  const values: Record<string, (string | undefined)[]> = {
    'volume-id': [volume.volumeId],
    'attachment.instance-id': [volume.attachment?.instanceId],
    'attachment.device': [volume.attachment?.deviceName],
    status: [volume.attachment === undefined ? 'available' : 'in-use'],
    'volume-type': [volume.volumeType],
    size: [String(volume.sizeGiB)],
    'availability-zone': [volume.availabilityZone],
  };
  return values[name] ?? tagFilterValues(volume.tags, name);
}

function toSnapshot(context: SimulatedContext, snapshot: SimulatedSnapshot): Snapshot {
  return {
    SnapshotId: snapshot.snapshotId,
    VolumeId: snapshot.volumeId,
    VolumeSize: snapshot.volumeSizeGiB,
    Description: snapshot.description,
    StartTime: new Date(snapshot.startTime),
    State: snapshot.state,
    Progress: '100%',
    OwnerId: context.state.accountId,
    Encrypted: false,
    StorageTier: 'standard',
    Tags: toTagList(snapshot.tags),
  };
}

function snapshotFilterValues(
  context: SimulatedContext,
  snapshot: SimulatedSnapshot,
  name: string,
) {
  const values: Record<string, string[]> = {
    'snapshot-id': [snapshot.snapshotId],
    'volume-id': [snapshot.volumeId],
    status: [snapshot.state],
    description: [snapshot.description],
    'owner-id': [context.state.accountId],
    'volume-size': [String(snapshot.volumeSizeGiB)],
  };
  return values[name] ?? tagFilterValues(snapshot.tags, name);
}

function isOwnedBySelf(
  context: SimulatedContext,
  ownerIds: readonly string[] | undefined,
): boolean {
  if (ownerIds === undefined || ownerIds.length === 0) return true;
  return ownerIds.some((owner) => owner === 'self' || owner === context.state.accountId);
}

/** Volume and snapshot operations of the simulated EC2. */
export const ec2VolumeOperations = {
  DescribeVolumes(context: SimulatedContext, input: DescribeVolumesRequest): DescribeVolumesResult {
    const { volumes } = context.state;
    const named = input.VolumeIds?.length
      ? requireAll(EC2_RESOURCE_KINDS.volume, input.VolumeIds, volumes, (v) => v.volumeId)
      : volumes;
    const found = named.filter((v) =>
      matchesFilters(input.Filters, (name) => volumeFilterValues(v, name)),
    );
    return { Volumes: found.map(toVolume) };
  },

  CreateSnapshot(context: SimulatedContext, input: CreateSnapshotRequest): Snapshot {
    const volume = requireVolume(context, input.VolumeId ?? '');
    const description = input.Description ?? '';
    if (description.length > 255) {
      throw awsError(
        'InvalidParameterValue',
        'Value for parameter Description is too long (max 255 characters)',
      );
    }
    const snapshots = context.state.snapshots;
    const snapshotId = context.ids.next('snap', (id) => snapshots.some((s) => s.snapshotId === id));
    const snapshot: SimulatedSnapshot = {
      snapshotId,
      volumeId: volume.volumeId,
      volumeSizeGiB: volume.sizeGiB,
      description,
      startTime: context.now(),
      state: 'completed',
      tags: tagsFromSpecifications(input.TagSpecifications, 'snapshot'),
    };
    snapshots.push(snapshot);
    // AWS answers while the snapshot is still being taken; the simulation completes it at once.
    return { ...toSnapshot(context, snapshot), State: 'pending', Progress: '' };
  },

  DescribeSnapshots(
    context: SimulatedContext,
    input: DescribeSnapshotsRequest,
  ): DescribeSnapshotsResult {
    const { snapshots } = context.state;
    const named = input.SnapshotIds?.length
      ? requireAll(EC2_RESOURCE_KINDS.snapshot, input.SnapshotIds, snapshots, (s) => s.snapshotId)
      : snapshots;
    const owned = isOwnedBySelf(context, input.OwnerIds) ? named : [];
    const found = owned.filter((s) =>
      matchesFilters(input.Filters, (name) => snapshotFilterValues(context, s, name)),
    );
    return { Snapshots: found.map((s) => toSnapshot(context, s)) };
  },
} satisfies SimulatedOperationTable;
