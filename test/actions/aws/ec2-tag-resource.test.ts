import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2RestoreTags, ec2TagResource } from '../../../src/actions/aws/index.js';
import { IDS } from '../../aws/sample-seed.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { createResponseSimulation, runWithUndo, sentCommands } from './undo-harness.js';

describe('aws.ec2.tagResource', () => {
  describe('with a mocked client', () => {
    it('reads the tags, then sends only the keys that change', async () => {
      const aws = createMockedAwsClients();
      const ec2 = mockClient(aws.ec2());
      ec2.on(DescribeTagsCommand).resolves({
        Tags: [
          { ResourceId: IDS.instance, Key: 'Name', Value: 'web-1' },
          { ResourceId: IDS.instance, Key: 'Owner', Value: 'team-a' },
        ],
      });

      const output = await runAction(
        ec2TagResource,
        { resourceId: IDS.instance, tags: { Name: 'web-1', Owner: 'security', Case: 'IR-7' } },
        createTestActionContext({ aws }),
      );

      expect(sentCommands(ec2)).toEqual([
        ['DescribeTags', { Filters: [{ Name: 'resource-id', Values: [IDS.instance] }] }],
        [
          'CreateTags',
          {
            Resources: [IDS.instance],
            Tags: [
              { Key: 'Owner', Value: 'security' },
              { Key: 'Case', Value: 'IR-7' },
            ],
          },
        ],
      ]);
      expect(output.previousTags).toEqual({ Name: 'web-1', Owner: 'team-a', Case: null });
    });

    it('refuses reserved aws: keys', () => {
      const parsed = ec2TagResource.input.safeParse({
        resourceId: IDS.instance,
        tags: { 'aws:cloudformation:stack-name': 'x' },
      });

      expect(parsed.success).toBe(false);
    });
  });

  describe('against the simulated account', () => {
    it('tags the instance, and its undo puts back old values and removes new keys', async () => {
      const { account, context } = createResponseSimulation();

      const seen = await runWithUndo(account, context, ec2TagResource, {
        resourceId: IDS.instance,
        tags: { Name: 'web-1-suspect', Case: 'IR-7' },
      });

      const tags = (s: typeof seen.after) =>
        s.instances.find((i) => i.instanceId === IDS.instance)?.tags;
      expect(tags(seen.after)).toMatchObject({ Name: 'web-1-suspect', Case: 'IR-7' });
      expect(seen.undoInput).toEqual({
        resourceId: IDS.instance,
        tags: { Name: 'web-1', Case: null },
      });
      expect(seen.undone).toEqual(seen.before);
    });

    it('changes nothing on a second delivery', async () => {
      const { account, context } = createResponseSimulation();
      const input = { resourceId: IDS.eniPrimary, tags: { Case: 'IR-7' } };
      await runAction(ec2TagResource, input, context);
      const once = account.snapshot();

      const again = await runAction(ec2TagResource, input, context);

      expect(account.snapshot()).toEqual(once);
      expect(again.changed).toBe(false);
    });
  });
});

describe('aws.ec2.restoreTags', () => {
  it('deletes keys recorded as absent', async () => {
    const aws = createMockedAwsClients();
    const ec2 = mockClient(aws.ec2());
    ec2.on(DescribeTagsCommand).resolves({
      Tags: [{ ResourceId: IDS.instance, Key: 'Case', Value: 'IR-7' }],
    });

    await runAction(
      ec2RestoreTags,
      { resourceId: IDS.instance, tags: { Case: null } },
      createTestActionContext({ aws }),
    );

    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DeleteTagsCommand)[0]?.args[0].input).toEqual({
      Resources: [IDS.instance],
      Tags: [{ Key: 'Case' }],
    });
  });
});
