import type {
  CreateTopicInput,
  CreateTopicResponse,
  ListTopicsInput,
  ListTopicsResponse,
  PublishInput,
  PublishResponse,
} from '@aws-sdk/client-sns';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';

/** SNS limits: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html */
const MAX_SUBJECT_LENGTH = 100;
const MAX_MESSAGE_BYTES = 256 * 1024;
const LIST_TOPICS_PAGE_SIZE = 100;
const TOPIC_ARN_PATTERN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/;

function invalidParameter(name: string, reason?: string): Error {
  const detail = reason === undefined ? '' : `: ${reason}`;
  return awsError('InvalidParameter', `Invalid parameter: ${name}${detail}`);
}

function checkSubject(subject: string | undefined): void {
  if (subject === undefined) return;
  // AWS allows printable ASCII only, without line breaks, and at most 100 characters.
  if (
    subject.length === 0 ||
    subject.length > MAX_SUBJECT_LENGTH ||
    !/^[\x20-\x7e]+$/.test(subject)
  ) {
    throw invalidParameter('Subject');
  }
}

function toAttributes(input: PublishInput): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    if (value.DataType === undefined)
      throw invalidParameter(`MessageAttributes.${name}.DataType`, 'required');
    attributes[name] = value.StringValue ?? '';
  }
  return attributes;
}

/** Operations of the simulated SNS. */
export const snsOperations = {
  Publish(context: SimulatedContext, input: PublishInput): PublishResponse {
    const topicArn = input.TopicArn ?? input.TargetArn;
    if (topicArn === undefined)
      throw invalidParameter('TopicArn or TargetArn', 'one of them is required');
    if (!TOPIC_ARN_PATTERN.test(topicArn)) throw invalidParameter('TopicArn');
    if (!context.state.topics.some((t) => t.topicArn === topicArn)) {
      throw awsError('NotFound', 'Topic does not exist', 404);
    }
    const message = input.Message ?? '';
    if (message.length === 0) throw invalidParameter('Message', 'Empty message');
    if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) {
      throw invalidParameter('Message too long');
    }
    checkSubject(input.Subject);

    const messageId = context.ids.nextUuid('message');
    context.state.publishedMessages.push({
      messageId,
      topicArn,
      ...(input.Subject === undefined ? {} : { subject: input.Subject }),
      message,
      attributes: toAttributes(input),
      timestamp: context.now(),
    });
    return { MessageId: messageId };
  },

  CreateTopic(context: SimulatedContext, input: CreateTopicInput): CreateTopicResponse {
    const name = input.Name ?? '';
    if (!/^[\w-]{1,256}(\.fifo)?$/.test(name)) {
      throw invalidParameter('Topic Name');
    }
    const { region, accountId } = context.state;
    const topicArn = `arn:aws:sns:${region}:${accountId}:${name}`;
    // CreateTopic is idempotent in AWS: an existing name returns the same ARN.
    if (!context.state.topics.some((t) => t.topicArn === topicArn)) {
      const tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      context.state.topics.push({ topicArn, tags });
    }
    return { TopicArn: topicArn };
  },

  ListTopics(context: SimulatedContext, input: ListTopicsInput): ListTopicsResponse {
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken');
    const topics = [...context.state.topics].sort((a, b) => a.topicArn.localeCompare(b.topicArn));
    const page = topics.slice(start, start + LIST_TOPICS_PAGE_SIZE);
    const next = start + LIST_TOPICS_PAGE_SIZE;
    return {
      Topics: page.map((t) => ({ TopicArn: t.topicArn })),
      NextToken: next < topics.length ? String(next) : undefined,
    };
  },
} satisfies SimulatedOperationTable;
