import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields } from './aws-input-schemas.js';
import {
  applyTagValues,
  planTagValues,
  priorValues,
  readResourceTags,
  taggableIdSchema,
  tagValuesSchema,
  type TagValues,
} from './resource-tags.js';

const inputSchema = z.strictObject({
  resourceId: taggableIdSchema,
  /** `previousTags` from `aws.ec2.tagResource`: values to put back, null to remove the tag. */
  tags: tagValuesSchema,
  ...awsStepFields,
});

/** Input of `aws.ec2.restoreTags`. */
export type RestoreTagsInput = z.output<typeof inputSchema>;

/** What `aws.ec2.restoreTags` changed. */
export interface RestoreTagsOutput {
  resourceId: string;
  previousTags: TagValues;
  changed: boolean;
}

/**
 * `aws.ec2.restoreTags`: the undo of `aws.ec2.tagResource`. Puts each key back to its value
 * from before, deleting keys that were absent. Check-then-act: only keys that differ are sent,
 * so a redelivery changes nothing.
 */
export const ec2RestoreTags: ActionDefinition<RestoreTagsInput, RestoreTagsOutput> = {
  id: 'aws.ec2.restoreTags',
  summary: 'Put tags of an EC2 resource back to recorded values (undo of tagResource)',
  input: inputSchema,
  iamActions: ['ec2:DescribeTags', 'ec2:CreateTags', 'ec2:DeleteTags'],
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
