import type { Snapshot, Tag } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionContext, ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';
import { findInstance } from './find-instance.js';

/** Tag that marks a resource with the run that made it. */
export const TAG_RUN_ID = 'firebreak:run-id';
/** Tag that marks a resource with the step that made it. */
export const TAG_STEP_ID = 'firebreak:step-id';

/** AWS's limit on a snapshot description. */
const MAX_DESCRIPTION_LENGTH = 255;

const inputSchema = z.strictObject({
  instanceId: instanceIdSchema,
  /** Snapshot description; default names the run, instance and device. */
  description: z.string().min(1).max(MAX_DESCRIPTION_LENGTH).optional(),
  ...awsStepFields,
});

/** Input of `aws.ec2.snapshotVolumes`. */
export type SnapshotVolumesInput = z.output<typeof inputSchema>;

function countSnapshots(count: number): string {
  return `${count} evidence snapshot${count === 1 ? '' : 's'}`;
}

/** `no evidence snapshot`, or how many earlier runs took and the latest of them. */
function describeEvidence(snapshots: readonly Snapshot[]): string {
  if (snapshots.length === 0) return 'no evidence snapshot';
  const latest = snapshots.reduce((a, b) =>
    (b.StartTime?.getTime() ?? 0) > (a.StartTime?.getTime() ?? 0) ? b : a,
  );
  const run = latest.Tags?.find((t) => t.Key === TAG_RUN_ID)?.Value;
  return (
    `${countSnapshots(snapshots.length)} (latest ${latest.SnapshotId ?? '?'}, ` +
    `run ${run ?? '?'})`
  );
}

/** The evidence snapshots, one per attached EBS volume, in device order. */
export interface SnapshotVolumesOutput {
  snapshots: { volumeId: string; deviceName: string; snapshotId: string }[];
}

function snapshotTags(context: ActionContext, instanceId: string, deviceName: string): Tag[] {
  return [
    { Key: TAG_RUN_ID, Value: context.runId },
    { Key: TAG_STEP_ID, Value: context.stepId },
    { Key: 'firebreak:instance-id', Value: instanceId },
    { Key: 'firebreak:device-name', Value: deviceName },
  ];
}

function defaultDescription(context: ActionContext, instanceId: string, deviceName: string) {
  const text = `firebreak evidence: ${instanceId} ${deviceName}, run ${context.runId} step ${context.stepId}`;
  return text.slice(0, MAX_DESCRIPTION_LENGTH);
}

/**
 * `aws.ec2.snapshotVolumes`: snapshots every EBS volume attached to an instance, for
 * forensics, tagged with the run and step. Check-then-act: it first looks for snapshots
 * already tagged with this run and step, so a redelivered step creates only the missing ones.
 * There is no undo: evidence is kept.
 */
export const ec2SnapshotVolumes: ActionDefinition<SnapshotVolumesInput, SnapshotVolumesOutput> = {
  id: 'aws.ec2.snapshotVolumes',
  summary: 'Snapshot every EBS volume attached to an instance, as evidence',
  input: inputSchema,
  iamActions: [
    'ec2:DescribeInstances',
    'ec2:DescribeSnapshots',
    'ec2:CreateSnapshot',
    'ec2:CreateTags',
  ],
  mutating: true,
  // Snapshots only add evidence; nothing the instance relies on changes.
  destructive: false,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const instance = await findInstance(ec2, input.instanceId);
    const volumes = (instance.BlockDeviceMappings ?? []).flatMap((mapping) =>
      mapping.Ebs?.VolumeId
        ? [{ volumeId: mapping.Ebs.VolumeId, deviceName: mapping.DeviceName ?? '' }]
        : [],
    );

    // OwnerIds: self, or AWS lists every public snapshot too.
    const existing = await ec2.send(
      new ec2Sdk.DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: `tag:${TAG_RUN_ID}`, Values: [context.runId] },
          { Name: `tag:${TAG_STEP_ID}`, Values: [context.stepId] },
        ],
      }),
    );
    const snapshots: SnapshotVolumesOutput['snapshots'] = [];
    for (const volume of volumes) {
      const done = existing.Snapshots?.find((s) => s.VolumeId === volume.volumeId && s.SnapshotId);
      if (done?.SnapshotId !== undefined) {
        snapshots.push({ ...volume, snapshotId: done.SnapshotId });
        continue;
      }
      const created = await ec2.send(
        new ec2Sdk.CreateSnapshotCommand({
          VolumeId: volume.volumeId,
          Description:
            input.description ?? defaultDescription(context, input.instanceId, volume.deviceName),
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: snapshotTags(context, input.instanceId, volume.deviceName),
            },
          ],
        }),
      );
      snapshots.push({ ...volume, snapshotId: created.SnapshotId ?? '' });
    }
    return { snapshots };
  },

  async plan(input, context) {
    const ec2 = context.aws.ec2();
    const instance = await findInstance(ec2, input.instanceId);
    const volumeIds = (instance.BlockDeviceMappings ?? []).flatMap((mapping) =>
      mapping.Ebs?.VolumeId ? [mapping.Ebs.VolumeId] : [],
    );
    if (volumeIds.length === 0) return [];
    // Evidence earlier runs took: the plan says so, and changes when another run takes more.
    const earlier = await ec2.send(
      new ec2Sdk.DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'volume-id', Values: volumeIds },
          { Name: 'tag-key', Values: [TAG_RUN_ID] },
        ],
      }),
    );
    return volumeIds.map((volumeId) => {
      const taken = (earlier.Snapshots ?? []).filter((s) => s.VolumeId === volumeId);
      return {
        resource: volumeId,
        before: describeEvidence(taken),
        after: taken.length === 0 ? 'snapshot' : countSnapshots(taken.length + 1),
      };
    });
  },
};
