import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields } from './aws-input-schemas.js';
import {
  applyTagValues,
  planTagValues,
  priorValues,
  readResourceTags,
  taggableIdSchema,
  type TagValues,
} from './resource-tags.js';

const inputSchema = z.strictObject({
  resourceId: taggableIdSchema,
  /** Tags to set, key to value (up to 50). */
  tags: z
    .record(z.string().min(1).max(128), z.string().max(256))
    .refine((tags) => Object.keys(tags).length >= 1 && Object.keys(tags).length <= 50, {
      message: 'between 1 and 50 tags',
    })
    .refine((tags) => Object.keys(tags).every((key) => !key.startsWith('aws:')), {
      message: "tag keys starting with 'aws:' are reserved",
    }),
  ...awsStepFields,
});

/** Input of `aws.ec2.tagResource`. */
export type TagResourceInput = z.output<typeof inputSchema>;

/** What `aws.ec2.tagResource` changed. */
export interface TagResourceOutput {
  resourceId: string;
  /** Each key's value before the step; null where the tag was absent. The undo puts these back. */
  previousTags: TagValues;
  changed: boolean;
}

/**
 * `aws.ec2.tagResource`: sets tags on an EC2 resource (instance, interface, volume, group...)
 * and records each key's value from before. Check-then-act: it reads the resource's tags first
 * and sends only the keys whose value differs, so a second delivery changes nothing. A
 * redelivery that follows a first delivery which already wrote the tags records the new values
 * as the previous ones; the run's audit log keeps the first delivery's DescribeTags answer.
 * Undo: `aws.ec2.restoreTags` with `previousTags`.
 */
export const ec2TagResource: ActionDefinition<TagResourceInput, TagResourceOutput> = {
  id: 'aws.ec2.tagResource',
  summary: 'Set tags on an EC2 resource, recording the values they replace',
  input: inputSchema,
  iamActions: ['ec2:DescribeTags', 'ec2:CreateTags'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const current = await readResourceTags(ec2, input.resourceId);
    const previousTags = priorValues(current, input.tags);
    const changed = await applyTagValues(ec2, input.resourceId, current, input.tags);
    return { resourceId: input.resourceId, previousTags, changed };
  },

  async plan(input, context) {
    const current = await readResourceTags(context.aws.ec2(), input.resourceId);
    return planTagValues(input.resourceId, current, input.tags);
  },

  undo: {
    action: 'aws.ec2.restoreTags',
    input: (output) =>
      output.changed ? { resourceId: output.resourceId, tags: output.previousTags } : undefined,
  },
};
