import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { snsPublish } from '../../../src/actions/aws/index.js';
import { SimulatedAccount } from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../../aws/sample-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
} from './action-context.js';

describe('aws.sns.publish', () => {
  describe('with a mocked client', () => {
    it('publishes subject, message and string attributes plus the idempotency token', async () => {
      const aws = createMockedAwsClients();
      const snsMock = mockClient(aws.sns());
      snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
      const context = createTestActionContext({ aws, runId: 'run-aaaaaaaaaaaa', stepId: 'notify' });

      const output = await runAction(
        snsPublish,
        {
          topicArn: IDS.topic,
          subject: 'isolated',
          message: 'done',
          attributes: { severity: 'high' },
        },
        context,
      );

      expect(output).toEqual({ messageId: 'm-1' });
      expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
        TopicArn: IDS.topic,
        Subject: 'isolated',
        Message: 'done',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'high' },
          'firebreak-idempotency-token': {
            DataType: 'String',
            StringValue: 'run-aaaaaaaaaaaa:notify',
          },
        },
      });
    });

    it('deduplicates by token on FIFO topics', async () => {
      const aws = createMockedAwsClients();
      const snsMock = mockClient(aws.sns());
      snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
      const context = createTestActionContext({ aws, runId: 'run-aaaaaaaaaaaa', stepId: 'notify' });

      await runAction(snsPublish, { topicArn: `${IDS.topic}.fifo`, message: 'done' }, context);

      expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
        MessageGroupId: 'run-aaaaaaaaaaaa',
        MessageDeduplicationId: 'run-aaaaaaaaaaaa:notify',
      });
    });
  });

  describe('against the simulated account', () => {
    it('delivers the message to the topic', async () => {
      const account = new SimulatedAccount(createSampleSeed());
      const context = createTestActionContext({ aws: createSimulatedAwsClients(account) });

      const output = await runAction(
        snsPublish,
        { topicArn: IDS.topic, message: 'instance isolated' },
        context,
      );

      expect(account.publishedMessages()).toEqual([
        expect.objectContaining({
          messageId: output.messageId,
          topicArn: IDS.topic,
          message: 'instance isolated',
        }),
      ]);
    });

    it('fails on an unknown topic with NotFound', async () => {
      const account = new SimulatedAccount(createSampleSeed());
      const context = createTestActionContext({ aws: createSimulatedAwsClients(account) });
      const topicArn = 'arn:aws:sns:us-east-1:123456789012:missing';

      await expect(
        runAction(snsPublish, { topicArn, message: 'x' }, context),
      ).rejects.toMatchObject({ Code: 'NotFound' });
    });
  });

  it('refuses a subject SNS would refuse', () => {
    expect(
      snsPublish.input.safeParse({ topicArn: IDS.topic, message: 'm', subject: 'a\nb' }).success,
    ).toBe(false);
    expect(
      snsPublish.input.safeParse({ topicArn: IDS.topic, message: 'm', subject: 'x'.repeat(101) })
        .success,
    ).toBe(false);
  });
});
