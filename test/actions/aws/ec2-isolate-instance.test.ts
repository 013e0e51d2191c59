import {
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2IsolateInstance } from '../../../src/actions/aws/index.js';
import { SimulatedAccount, recordAwsCalls, type AwsCallRecord } from '../../../src/aws/index.js';
import { VirtualClock } from '../../../src/shared/index.js';
import { createSampleSeed, IDS } from '../../aws/sample-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
  TEST_START_MS,
} from './action-context.js';

const QUARANTINE_ID = 'sg-0fffffffffffffff0';

function mockFreshInstance() {
  const aws = createMockedAwsClients();
  const ec2Mock = mockClient(aws.ec2());
  ec2Mock.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          { InstanceId: IDS.instance, VpcId: IDS.vpc, State: { Name: 'running' }, Tags: [] },
        ],
      },
    ],
  });
  ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2Mock.on(CreateSecurityGroupCommand).resolves({ GroupId: QUARANTINE_ID });
  ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [
      {
        NetworkInterfaceId: IDS.eniPrimary,
        Attachment: { DeviceIndex: 0 },
        Groups: [{ GroupId: IDS.web }, { GroupId: IDS.ssh }],
      },
      {
        NetworkInterfaceId: IDS.eniSecondary,
        Attachment: { DeviceIndex: 1 },
        Groups: [{ GroupId: IDS.ssh }],
      },
    ],
  });
  return { aws, ec2Mock };
}

function createSimulation() {
  const account = new SimulatedAccount(createSampleSeed());
  const clock = new VirtualClock(TEST_START_MS);
  const context = createTestActionContext({ aws: createSimulatedAwsClients(account), clock });
  return { account, context, clock };
}

describe('aws.ec2.isolateInstance', () => {
  describe('with a mocked client', () => {
    it('sends the exact commands of a first isolation, in order', async () => {
      const { aws, ec2Mock } = mockFreshInstance();
      const context = createTestActionContext({ aws, runId: 'run-aaaaaaaaaaaa' });

      const output = await runAction(
        ec2IsolateInstance,
        {
          instanceId: IDS.instance,
          reason: 'crypto mining',
          quarantineGroupName: 'firebreak-quarantine',
          connectionTracking: 'ignore',
          autoScaling: 'ignore',
        },
        context,
      );

      const sent = ec2Mock.calls().map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: unknown };
        return [command.constructor.name.replace(/Command$/, ''), command.input];
      });
      expect(sent).toEqual([
        ['DescribeInstances', { InstanceIds: [IDS.instance] }],
        [
          'DescribeSecurityGroups',
          {
            Filters: [
              { Name: 'vpc-id', Values: [IDS.vpc] },
              { Name: 'group-name', Values: ['firebreak-quarantine'] },
            ],
          },
        ],
        [
          'CreateSecurityGroup',
          {
            GroupName: 'firebreak-quarantine',
            Description: 'firebreak quarantine: no inbound or outbound traffic',
            VpcId: IDS.vpc,
            TagSpecifications: [
              {
                ResourceType: 'security-group',
                Tags: [
                  { Key: 'firebreak:purpose', Value: 'quarantine' },
                  { Key: 'firebreak:run-id', Value: 'run-aaaaaaaaaaaa' },
                ],
              },
            ],
          },
        ],
        [
          'RevokeSecurityGroupEgress',
          {
            GroupId: QUARANTINE_ID,
            IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
          },
        ],
        [
          'DescribeNetworkInterfaces',
          { Filters: [{ Name: 'attachment.instance-id', Values: [IDS.instance] }] },
        ],
        [
          'CreateTags',
          {
            Resources: [IDS.eniPrimary],
            Tags: [{ Key: 'firebreak:previous-groups', Value: `${IDS.web},${IDS.ssh}` }],
          },
        ],
        [
          'ModifyNetworkInterfaceAttribute',
          { NetworkInterfaceId: IDS.eniPrimary, Groups: [QUARANTINE_ID] },
        ],
        [
          'CreateTags',
          {
            Resources: [IDS.eniSecondary],
            Tags: [{ Key: 'firebreak:previous-groups', Value: IDS.ssh }],
          },
        ],
        [
          'ModifyNetworkInterfaceAttribute',
          { NetworkInterfaceId: IDS.eniSecondary, Groups: [QUARANTINE_ID] },
        ],
        [
          'CreateTags',
          {
            Resources: [IDS.instance],
            Tags: [
              { Key: 'Quarantined', Value: 'true' },
              { Key: 'QuarantineReason', Value: 'crypto mining' },
              { Key: 'QuarantineTime', Value: '2025-03-01T12:00:00.000Z' },
            ],
          },
        ],
      ]);
      expect(output).toEqual({
        instanceId: IDS.instance,
        vpcId: IDS.vpc,
        quarantineGroupId: QUARANTINE_ID,
        quarantineGroupCreated: true,
        previousGroups: [
          { networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web, IDS.ssh] },
          { networkInterfaceId: IDS.eniSecondary, securityGroupIds: [IDS.ssh] },
        ],
        changed: true,
      });
    });

    it('sends no change for interfaces already in quarantine and reports the recorded groups', async () => {
      const aws = createMockedAwsClients();
      const ec2Mock = mockClient(aws.ec2());
      const quarantineTags = [{ Key: 'Quarantined', Value: 'true' }];
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [
          { Instances: [{ InstanceId: IDS.instance, VpcId: IDS.vpc, Tags: quarantineTags }] },
        ],
      });
      ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
        SecurityGroups: [{ GroupId: QUARANTINE_ID, IpPermissions: [], IpPermissionsEgress: [] }],
      });
      ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({
        NetworkInterfaces: [
          {
            NetworkInterfaceId: IDS.eniPrimary,
            Groups: [{ GroupId: QUARANTINE_ID }],
            TagSet: [{ Key: 'firebreak:previous-groups', Value: `${IDS.web},${IDS.ssh}` }],
          },
        ],
      });

      const output = await runAction(
        ec2IsolateInstance,
        { instanceId: IDS.instance, connectionTracking: 'ignore', autoScaling: 'ignore' },
        createTestActionContext({ aws }),
      );

      expect(ec2Mock.commandCalls(ModifyNetworkInterfaceAttributeCommand)).toHaveLength(0);
      expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(0);
      expect(ec2Mock.commandCalls(RevokeSecurityGroupEgressCommand)).toHaveLength(0);
      expect(output).toMatchObject({
        changed: false,
        quarantineGroupCreated: false,
        previousGroups: [
          { networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web, IDS.ssh] },
        ],
      });
    });
  });

  describe('against the simulated account', () => {
    it('leaves every interface in only an empty quarantine group and tags the instance', async () => {
      const { account, context } = createSimulation();

      const output = await runAction(
        ec2IsolateInstance,
        { instanceId: IDS.instance, reason: 'crypto mining' },
        context,
      );

      const state = account.snapshot();
      const quarantine = state.securityGroups.find((g) => g.groupId === output.quarantineGroupId);
      const enis = state.networkInterfaces.filter((n) => n.attachment?.instanceId === IDS.instance);
      expect(quarantine).toMatchObject({
        groupName: 'firebreak-quarantine',
        vpcId: IDS.vpc,
        ingress: [],
        egress: [],
      });
      expect(enis.map((n) => n.groupIds)).toEqual([
        [output.quarantineGroupId],
        [output.quarantineGroupId],
      ]);
      expect(state.instances.find((i) => i.instanceId === IDS.instance)?.tags).toMatchObject({
        Quarantined: 'true',
        QuarantineReason: 'crypto mining',
        QuarantineTime: '2025-03-01T12:00:00.000Z',
      });
      expect(output.previousGroups).toEqual([
        { networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web, IDS.ssh] },
        { networkInterfaceId: IDS.eniSecondary, securityGroupIds: [IDS.ssh] },
      ]);
    });

    it('changes nothing when delivered twice and still reports the original groups', async () => {
      const { account, context, clock } = createSimulation();

      const first = await runAction(ec2IsolateInstance, { instanceId: IDS.instance }, context);
      const afterFirst = account.snapshot();
      clock.advanceTo(clock.now() + 3_600_000);
      const second = await runAction(
        ec2IsolateInstance,
        { instanceId: IDS.instance },
        { ...context, attempt: 2 },
      );

      expect(account.snapshot()).toEqual(afterFirst);
      expect(second).toEqual({ ...first, changed: false });
    });

    it('reuses the quarantine group of the VPC for a second instance', async () => {
      const { account, context } = createSimulation();

      const first = await runAction(ec2IsolateInstance, { instanceId: IDS.instance }, context);
      const second = await runAction(ec2IsolateInstance, { instanceId: IDS.lonely }, context);

      expect(second.quarantineGroupId).toBe(first.quarantineGroupId);
      expect(
        account.snapshot().securityGroups.filter((g) => g.groupName === 'firebreak-quarantine'),
      ).toHaveLength(1);
    });

    it('sends every call through the recorder', async () => {
      const { context } = createSimulation();
      const records: AwsCallRecord[] = [];

      const aws = recordAwsCalls(context.aws, (record) => records.push(record));
      await runAction(ec2IsolateInstance, { instanceId: IDS.instance }, { ...context, aws });

      expect(records.map((r) => `${r.service}:${r.operation}`)).toEqual([
        'ec2:DescribeInstances',
        'autoscaling:DescribeAutoScalingInstances',
        'ec2:CreateTags',
        'autoscaling:DetachInstances',
        'ec2:DescribeSecurityGroups',
        'ec2:CreateSecurityGroup',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:DescribeSecurityGroups',
        'ec2:CreateSecurityGroup',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:DescribeNetworkInterfaces',
        'ec2:CreateTags',
        'ec2:ModifyNetworkInterfaceAttribute',
        'ec2:ModifyNetworkInterfaceAttribute',
        'ec2:CreateTags',
        'ec2:ModifyNetworkInterfaceAttribute',
        'ec2:ModifyNetworkInterfaceAttribute',
        'ec2:CreateTags',
      ]);
      expect(records.every((r) => r.simulated && r.errorCode === undefined)).toBe(true);
    });

    it('fails a terminated instance with AWS_INSTANCE_TERMINATED', async () => {
      const seed = createSampleSeed();
      seed.instances![1]!.state = 'terminated';
      const account = new SimulatedAccount(seed);
      const context = createTestActionContext({ aws: createSimulatedAwsClients(account) });

      await expect(
        runAction(ec2IsolateInstance, { instanceId: IDS.lonely }, context),
      ).rejects.toMatchObject({
        code: 'AWS_INSTANCE_TERMINATED',
      });
    });
  });
});
