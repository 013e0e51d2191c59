import { describe, expect, it } from 'vitest';
import {
  SimulatedAccount,
  SimulatedAccountSeedError,
  SimulatedAwsError,
} from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../sample-seed.js';

function createAccount() {
  return new SimulatedAccount(createSampleSeed());
}

async function awsCodeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof SimulatedAwsError ? error.awsCode : String(error);
}

describe('SimulatedAccount', () => {
  describe('when seeded', () => {
    it('refuses a malformed id and names the field path', () => {
      const seed = createSampleSeed();
      seed.instances![0]!.instanceId = 'i-0abc';

      const create = () => new SimulatedAccount(seed);

      expect(create).toThrow(SimulatedAccountSeedError);
      expect(create).toThrow(
        /instances\.0\.instanceId: expected i- followed by 8 or 17 hex digits/,
      );
    });

    it('refuses an interface in a group of another VPC', () => {
      const seed = createSampleSeed();
      seed.instances![0]!.networkInterfaces[0]!.securityGroupIds = [IDS.otherVpcGroup];

      expect(() => new SimulatedAccount(seed)).toThrow(
        /group sg-0a1b2c3d4e5f60003 is in vpc-0a1b2c3d4e5f60002/,
      );
    });

    it('accepts an account id that YAML read as a number', () => {
      expect(new SimulatedAccount({ accountId: 12345678901 }).accountId).toBe('012345678901');
    });

    it('gives seeded groups without egress rules AWS default allow-all egress', () => {
      const web = createAccount()
        .snapshot()
        .securityGroups.find((g) => g.groupId === IDS.web);

      expect(web?.egress).toEqual([
        { ruleId: expect.any(String), protocol: '-1', cidrIpv4: '0.0.0.0/0' },
      ]);
      expect(web?.ingress).toMatchObject([
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' },
      ]);
    });
  });

  describe('DescribeInstances', () => {
    it('filters by instance id and tag', async () => {
      const account = createAccount();

      const byId = await account.handle('ec2', 'DescribeInstances', {
        Filters: [{ Name: 'instance-id', Values: [IDS.lonely] }],
      });
      const byTag = await account.handle('ec2', 'DescribeInstances', {
        Filters: [{ Name: 'tag:Name', Values: ['web-*'] }],
      });
      const none = await account.handle('ec2', 'DescribeInstances', {
        Filters: [{ Name: 'instance-id', Values: ['i-0123456789abcdef0'] }],
      });

      expect(byId).toMatchObject({ Reservations: [{ Instances: [{ InstanceId: IDS.lonely }] }] });
      expect(byTag).toMatchObject({
        Reservations: [{ Instances: [{ InstanceId: IDS.instance }] }],
      });
      expect(none).toEqual({ Reservations: [] });
    });

    it('fails unknown and malformed ids with AWS codes', async () => {
      const account = createAccount();

      const unknown = account.handle('ec2', 'DescribeInstances', {
        InstanceIds: ['i-0123456789abcdef0'],
      });
      const malformed = account.handle('ec2', 'DescribeInstances', { InstanceIds: ['i-xyz'] });
      const badFilter = account.handle('ec2', 'DescribeInstances', {
        Filters: [{ Name: 'colour', Values: ['x'] }],
      });

      expect(await awsCodeOf(unknown)).toBe('InvalidInstanceID.NotFound');
      expect(await awsCodeOf(malformed)).toBe('InvalidInstanceID.Malformed');
      expect(await awsCodeOf(badFilter)).toBe('InvalidParameterValue');
    });
  });

  describe('security groups', () => {
    it('creates a group with the default egress rule and refuses a duplicate name in the VPC', async () => {
      const account = createAccount();
      const input = { GroupName: 'q', Description: 'quarantine', VpcId: IDS.vpc };

      const created = (await account.handle('ec2', 'CreateSecurityGroup', input)) as {
        GroupId: string;
      };
      const again = account.handle('ec2', 'CreateSecurityGroup', input);
      const described = await account.handle('ec2', 'DescribeSecurityGroups', {
        GroupIds: [created.GroupId],
      });

      expect(created.GroupId).toBe('sg-f0000000000000001');
      expect(await awsCodeOf(again)).toBe('InvalidGroup.Duplicate');
      expect(described).toMatchObject({
        SecurityGroups: [
          {
            GroupName: 'q',
            IpPermissions: [],
            IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
          },
        ],
      });
    });

    it('revokes a matching rule and fails a revoke that matches nothing', async () => {
      const account = createAccount();
      const IpPermissions = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

      await account.handle('ec2', 'RevokeSecurityGroupEgress', { GroupId: IDS.web, IpPermissions });
      const again = account.handle('ec2', 'RevokeSecurityGroupEgress', {
        GroupId: IDS.web,
        IpPermissions,
      });

      expect(await awsCodeOf(again)).toBe('InvalidPermission.NotFound');
      expect(account.snapshot().securityGroups.find((g) => g.groupId === IDS.web)?.egress).toEqual(
        [],
      );
    });

    it('refuses a duplicate rule', async () => {
      const account = createAccount();
      const IpPermissions = [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ];

      const duplicate = account.handle('ec2', 'AuthorizeSecurityGroupIngress', {
        GroupId: IDS.web,
        IpPermissions,
      });

      expect(await awsCodeOf(duplicate)).toBe('InvalidPermission.Duplicate');
    });

    it('refuses a group of another VPC on an interface and changes nothing', async () => {
      const account = createAccount();
      const before = account.snapshot();

      const modify = account.handle('ec2', 'ModifyNetworkInterfaceAttribute', {
        NetworkInterfaceId: IDS.eniPrimary,
        Groups: [IDS.web, IDS.otherVpcGroup],
      });

      expect(await awsCodeOf(modify)).toBe('InvalidParameter');
      expect(account.snapshot()).toEqual(before);
    });

    it('refuses to delete a group in use', async () => {
      const account = createAccount();

      expect(
        await awsCodeOf(account.handle('ec2', 'DeleteSecurityGroup', { GroupId: IDS.web })),
      ).toBe('DependencyViolation');
    });
  });

  describe('volumes, snapshots and tags', () => {
    it('creates tagged snapshots that DescribeSnapshots finds by tag', async () => {
      const account = createAccount();
      const TagSpecifications = [
        { ResourceType: 'snapshot', Tags: [{ Key: 'case', Value: '42' }] },
      ];

      const created = await account.handle('ec2', 'CreateSnapshot', {
        VolumeId: IDS.dataVolume,
        TagSpecifications,
      });
      const found = await account.handle('ec2', 'DescribeSnapshots', {
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:case', Values: ['42'] }],
      });

      expect(created).toMatchObject({
        SnapshotId: 'snap-f0000000000000001',
        State: 'pending',
        VolumeSize: 100,
      });
      expect(found).toMatchObject({
        Snapshots: [{ VolumeId: IDS.dataVolume, State: 'completed' }],
      });
    });

    it('tags, describes and untags resources with AWS limits', async () => {
      const account = createAccount();

      await account.handle('ec2', 'CreateTags', {
        Resources: [IDS.eniPrimary],
        Tags: [{ Key: 'k', Value: 'v' }],
      });
      const described = await account.handle('ec2', 'DescribeTags', {
        Filters: [{ Name: 'resource-id', Values: [IDS.eniPrimary] }],
      });
      await account.handle('ec2', 'DeleteTags', {
        Resources: [IDS.eniPrimary],
        Tags: [{ Key: 'k', Value: 'other' }],
      });
      const kept = account
        .snapshot()
        .networkInterfaces.find((n) => n.networkInterfaceId === IDS.eniPrimary)?.tags;
      const tooLong = account.handle('ec2', 'CreateTags', {
        Resources: [IDS.instance],
        Tags: [{ Key: 'k', Value: 'x'.repeat(257) }],
      });
      const reserved = account.handle('ec2', 'CreateTags', {
        Resources: [IDS.instance],
        Tags: [{ Key: 'aws:x', Value: '' }],
      });

      expect(described).toEqual({
        Tags: [
          { ResourceId: IDS.eniPrimary, ResourceType: 'network-interface', Key: 'k', Value: 'v' },
        ],
      });
      expect(kept).toEqual({ k: 'v' });
      expect(await awsCodeOf(tooLong)).toBe('InvalidParameterValue');
      expect(await awsCodeOf(reserved)).toBe('InvalidParameterValue');
    });
  });

  describe('SNS', () => {
    it('records published messages with deterministic ids', async () => {
      const account = createAccount();

      const result = await account.handle('sns', 'Publish', {
        TopicArn: IDS.topic,
        Subject: 'alert',
        Message: 'instance isolated',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      });

      expect(result).toEqual({ MessageId: '00000000-4a77-4000-8000-000000000001' });
      expect(account.publishedMessages()).toEqual([
        {
          messageId: '00000000-4a77-4000-8000-000000000001',
          topicArn: IDS.topic,
          subject: 'alert',
          message: 'instance isolated',
          attributes: { severity: 'high' },
          timestamp: '2024-01-01T00:00:00.000Z',
        },
      ]);
    });

    it('fails an unknown topic with NotFound and a bad subject with InvalidParameter', async () => {
      const account = createAccount();
      const unknownTopic = 'arn:aws:sns:us-east-1:123456789012:nope';

      expect(
        await awsCodeOf(account.handle('sns', 'Publish', { TopicArn: unknownTopic, Message: 'm' })),
      ).toBe('NotFound');
      expect(
        await awsCodeOf(
          account.handle('sns', 'Publish', { TopicArn: IDS.topic, Message: 'm', Subject: 'a\nb' }),
        ),
      ).toBe('InvalidParameter');
    });

    it('creates topics idempotently and lists them', async () => {
      const account = createAccount();

      const first = await account.handle('sns', 'CreateTopic', { Name: 'ir-lead' });
      const second = await account.handle('sns', 'CreateTopic', { Name: 'ir-lead' });
      const listed = await account.handle('sns', 'ListTopics', {});

      expect(second).toEqual(first);
      expect(listed).toEqual({
        Topics: [
          { TopicArn: IDS.topic },
          { TopicArn: 'arn:aws:sns:us-east-1:123456789012:ir-lead' },
        ],
      });
    });
  });

  describe('snapshot', () => {
    it('returns equal, independent, JSON-serialisable copies', () => {
      const account = createAccount();

      const first = account.snapshot();
      first.instances[0]!.tags['mutated'] = 'yes';
      const second = account.snapshot();

      expect(second.instances[0]!.tags).not.toHaveProperty('mutated');
      expect(JSON.parse(JSON.stringify(second))).toEqual(second);
      expect(new SimulatedAccount(createSampleSeed()).snapshot()).toEqual(second);
    });
  });

  it('says which operations it does not implement', async () => {
    const error = await createAccount()
      .handle('ec2', 'RunInstances', {})
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'SIMULATED_OPERATION_UNSUPPORTED' });
  });
});
