import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { PlannedChange } from '../types.js';

/** An EC2 resource id that takes tags: `i-`, `eni-`, `sg-`, `vol-`, `snap-`, `acl-`... */
export const taggableIdSchema = z.string().regex(/^[a-z]+(-[a-z]+)?-([0-9a-f]{8}|[0-9a-f]{17})$/, {
  message: 'expected an EC2 resource id such as i-0123456789abcdef0',
});

/** Tag values to set; `null` means the tag is to be absent. */
export type TagValues = Record<string, string | null>;

/** The schema of {@link TagValues}: at most 50 keys of 1-128 characters, values up to 256. */
export const tagValuesSchema = z
  .record(z.string().min(1).max(128), z.string().max(256).nullable())
  .refine((tags) => Object.keys(tags).length <= 50, { message: 'at most 50 tags' })
  .refine((tags) => Object.keys(tags).every((key) => !key.startsWith('aws:')), {
    message: "tag keys starting with 'aws:' are reserved",
  });

/** The resource's current tags. */
export async function readResourceTags(
  ec2: EC2Client,
  resourceId: string,
): Promise<Record<string, string>> {
  const filters = [{ Name: 'resource-id', Values: [resourceId] }];
  const result = await ec2.send(new ec2Sdk.DescribeTagsCommand({ Filters: filters }));
  const tags: Record<string, string> = {};
  for (const tag of result.Tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  return tags;
}

/** For each key of `wanted`, its current value or null when absent. */
export function priorValues(current: Record<string, string>, wanted: TagValues): TagValues {
  return Object.fromEntries(Object.keys(wanted).map((key) => [key, current[key] ?? null]));
}

/** The keys whose value would change. */
export function changedKeys(current: Record<string, string>, wanted: TagValues): string[] {
  return Object.keys(wanted).filter((key) => (current[key] ?? null) !== wanted[key]);
}

/** Sets and deletes tags so that the resource's tags match `wanted`; true when it changed any. */
export async function applyTagValues(
  ec2: EC2Client,
  resourceId: string,
  current: Record<string, string>,
  wanted: TagValues,
): Promise<boolean> {
  const keys = changedKeys(current, wanted);
  const toSet = keys.flatMap((Key) => {
    const Value = wanted[Key];
    return Value === null || Value === undefined ? [] : [{ Key, Value }];
  });
  const toDelete = keys.filter((key) => wanted[key] === null).map((Key) => ({ Key }));
  if (toSet.length > 0) {
    await ec2.send(new ec2Sdk.CreateTagsCommand({ Resources: [resourceId], Tags: toSet }));
  }
  if (toDelete.length > 0) {
    await ec2.send(new ec2Sdk.DeleteTagsCommand({ Resources: [resourceId], Tags: toDelete }));
  }
  return keys.length > 0;
}

/** One planned change per tag that would change. */
export function planTagValues(
  resourceId: string,
  current: Record<string, string>,
  wanted: TagValues,
): PlannedChange[] {
  return changedKeys(current, wanted).map((key) => ({
    resource: `${resourceId} tag ${key}`,
    before: current[key] ?? '(none)',
    after: wanted[key] ?? '(none)',
  }));
}
