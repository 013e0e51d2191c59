import { PublishCommand, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, topicArnSchema } from './aws-input-schemas.js';

/** Message attribute carrying the step's idempotency token, for subscribers to drop repeats. */
export const IDEMPOTENCY_ATTRIBUTE = 'firebreak-idempotency-token';

const inputSchema = z.strictObject({
  topicArn: topicArnSchema,
  /** E-mail subject: printable ASCII, at most 100 characters (SNS's limits). */
  subject: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\x20-\x7e]+$/, { message: 'expected printable ASCII without line breaks' })
    .optional(),
  message: z.string().min(1),
  /** String message attributes; SNS allows 10 in all, one of which firebreak uses. */
  attributes: z
    .record(z.string().regex(/^[\w.-]{1,256}$/), z.string())
    .refine((a) => Object.keys(a).length <= 9, { message: 'at most 9 attributes' })
    .optional(),
  ...awsStepFields,
});

/** Input of `aws.sns.publish`. */
export type SnsPublishInput = z.output<typeof inputSchema>;

/** The id SNS gave the message. */
export interface SnsPublishOutput {
  messageId: string;
}

/**
 * `aws.sns.publish`: sends a message to an SNS topic. Idempotency by token: on FIFO topics the
 * step's token is the deduplication id, so SNS drops a redelivered publish; standard topics
 * deliver at least once, so every message carries the token as the
 * `firebreak-idempotency-token` attribute for subscribers to drop repeats.
 */
export const snsPublish: ActionDefinition<SnsPublishInput, SnsPublishOutput> = {
  id: 'aws.sns.publish',
  summary: 'Publish a message to an SNS topic',
  input: inputSchema,
  iamActions: ['sns:Publish'],
  mutating: false,
  idempotency: 'token',

  async run(input, context) {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(input.attributes ?? {})) {
      attributes[name] = { DataType: 'String', StringValue: value };
    }
    attributes[IDEMPOTENCY_ATTRIBUTE] = {
      DataType: 'String',
      StringValue: context.idempotencyToken,
    };
    const fifo = input.topicArn.endsWith('.fifo')
      ? { MessageGroupId: context.runId, MessageDeduplicationId: context.idempotencyToken }
      : {};
    const result = await context.aws.sns().send(
      new PublishCommand({
        TopicArn: input.topicArn,
        Message: input.message,
        ...(input.subject === undefined ? {} : { Subject: input.subject }),
        MessageAttributes: attributes,
        ...fifo,
      }),
    );
    return { messageId: result.MessageId ?? '' };
  },
};
