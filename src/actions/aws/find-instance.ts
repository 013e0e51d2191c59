import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { AwsActionError } from './errors.js';

/**
 * Describes one instance by id. AWS's own `InvalidInstanceID.NotFound` and `.Malformed` pass
 * through unchanged; an answer without the instance is an {@link AwsActionError}.
 */
export async function findInstance(ec2: EC2Client, instanceId: string): Promise<Instance> {
  const result = await ec2.send(new ec2Sdk.DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instances = (result.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const instance = instances.find((i) => i.InstanceId === instanceId);
  if (instance === undefined) {
    throw new AwsActionError(
      'AWS_INSTANCE_NOT_FOUND',
      `instance ${instanceId} was not found in DescribeInstances; check the id and the region`,
    );
  }
  return instance;
}

/** Tags as a record, from AWS's `[{ Key, Value }]` list. */
export function toTagRecord(tags: readonly { Key?: string; Value?: string }[] | undefined) {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  }
  return record;
}
