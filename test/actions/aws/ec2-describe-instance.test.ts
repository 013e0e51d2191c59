import { DescribeInstancesCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2DescribeInstance } from '../../../src/actions/aws/index.js';
import { SimulatedAccount, recordAwsCalls, type AwsCallRecord } from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../../aws/sample-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
} from './action-context.js';

describe('aws.ec2.describeInstance', () => {
  describe('with a mocked client', () => {
    it('sends one DescribeInstances for the id and maps the answer', async () => {
      const aws = createMockedAwsClients();
      const ec2Mock = mockClient(aws.ec2());
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: IDS.instance,
                State: { Name: 'running', Code: 16 },
                VpcId: IDS.vpc,
                SubnetId: IDS.subnet,
                InstanceType: 't3.micro',
                Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'web-asg' }],
                NetworkInterfaces: [
                  {
                    NetworkInterfaceId: IDS.eniSecondary,
                    Attachment: { DeviceIndex: 1 },
                    Groups: [{ GroupId: IDS.ssh }],
                  },
                  {
                    NetworkInterfaceId: IDS.eniPrimary,
                    Attachment: { DeviceIndex: 0 },
                    Groups: [{ GroupId: IDS.web }],
                  },
                ],
                BlockDeviceMappings: [
                  { DeviceName: '/dev/xvda', Ebs: { VolumeId: IDS.rootVolume } },
                ],
              },
            ],
          },
        ],
      });

      const output = await runAction(
        ec2DescribeInstance,
        { instanceId: IDS.instance },
        createTestActionContext({ aws }),
      );

      expect(ec2Mock.calls()).toHaveLength(1);
      expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({
        InstanceIds: [IDS.instance],
      });
      expect(output).toMatchObject({
        instanceId: IDS.instance,
        state: 'running',
        autoScalingGroupName: 'web-asg',
        networkInterfaces: [
          { networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web] },
          { networkInterfaceId: IDS.eniSecondary, securityGroupIds: [IDS.ssh] },
        ],
        volumeIds: [IDS.rootVolume],
      });
    });
  });

  describe('against the simulated account', () => {
    it('describes interfaces, groups, volumes and tags', async () => {
      const aws = createSimulatedAwsClients(new SimulatedAccount(createSampleSeed()));

      const output = await runAction(
        ec2DescribeInstance,
        { instanceId: IDS.instance },
        createTestActionContext({ aws }),
      );

      expect(output).toEqual({
        instanceId: IDS.instance,
        state: 'running',
        vpcId: IDS.vpc,
        subnetId: IDS.subnet,
        instanceType: 'm5.large',
        privateIpAddress: '10.0.1.10',
        tags: { Name: 'web-1', 'aws:autoscaling:groupName': 'web-asg' },
        networkInterfaces: [
          { networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web, IDS.ssh] },
          { networkInterfaceId: IDS.eniSecondary, securityGroupIds: [IDS.ssh] },
        ],
        volumeIds: [IDS.rootVolume, IDS.dataVolume],
        autoScalingGroupName: 'web-asg',
      });
    });

    it('throws InvalidInstanceID.NotFound through the real EC2Client and records the call', async () => {
      const aws = createSimulatedAwsClients(new SimulatedAccount(createSampleSeed()));
      const records: AwsCallRecord[] = [];
      const recording = recordAwsCalls(aws, (record) => records.push(record));
      const context = createTestActionContext({ aws: recording });

      const error = await runAction(
        ec2DescribeInstance,
        { instanceId: 'i-0123456789abcdef0' },
        context,
      ).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EC2ServiceException);
      expect(error).toMatchObject({ name: 'InvalidInstanceID.NotFound', $fault: 'client' });
      expect(records).toEqual([
        {
          service: 'ec2',
          operation: 'DescribeInstances',
          params: { InstanceIds: ['i-0123456789abcdef0'] },
          simulated: true,
          errorCode: 'InvalidInstanceID.NotFound',
        },
      ]);
    });
  });

  it('refuses unknown arguments and malformed ids', () => {
    expect(
      ec2DescribeInstance.input.safeParse({ instanceId: IDS.instance, extra: 1 }).success,
    ).toBe(false);
    expect(ec2DescribeInstance.input.safeParse({ instanceId: 'i-0abc' }).success).toBe(false);
  });
});
