import {
  CreateSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2SnapshotVolumes } from '../../../src/actions/aws/index.js';
import { SimulatedAccount } from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../../aws/sample-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
} from './action-context.js';

describe('aws.ec2.snapshotVolumes', () => {
  describe('with a mocked client', () => {
    it('looks for this step snapshots and creates only the missing one, tagged', async () => {
      const aws = createMockedAwsClients();
      const ec2Mock = mockClient(aws.ec2());
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: IDS.instance,
                BlockDeviceMappings: [
                  { DeviceName: '/dev/xvda', Ebs: { VolumeId: IDS.rootVolume } },
                  { DeviceName: '/dev/sdf', Ebs: { VolumeId: IDS.dataVolume } },
                ],
              },
            ],
          },
        ],
      });
      ec2Mock
        .on(DescribeSnapshotsCommand)
        .resolves({ Snapshots: [{ SnapshotId: 'snap-00000001', VolumeId: IDS.rootVolume }] });
      ec2Mock.on(CreateSnapshotCommand).resolves({ SnapshotId: 'snap-00000002' });
      const context = createTestActionContext({
        aws,
        runId: 'run-aaaaaaaaaaaa',
        stepId: 'evidence',
      });

      const output = await runAction(ec2SnapshotVolumes, { instanceId: IDS.instance }, context);

      expect(ec2Mock.commandCalls(DescribeSnapshotsCommand)[0]?.args[0].input).toEqual({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'tag:firebreak:run-id', Values: ['run-aaaaaaaaaaaa'] },
          { Name: 'tag:firebreak:step-id', Values: ['evidence'] },
        ],
      });
      expect(ec2Mock.commandCalls(CreateSnapshotCommand).map((c) => c.args[0].input)).toEqual([
        {
          VolumeId: IDS.dataVolume,
          Description: `firebreak evidence: ${IDS.instance} /dev/sdf, run run-aaaaaaaaaaaa step evidence`,
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: [
                { Key: 'firebreak:run-id', Value: 'run-aaaaaaaaaaaa' },
                { Key: 'firebreak:step-id', Value: 'evidence' },
                { Key: 'firebreak:instance-id', Value: IDS.instance },
                { Key: 'firebreak:device-name', Value: '/dev/sdf' },
              ],
            },
          ],
        },
      ]);
      expect(output.snapshots).toEqual([
        { volumeId: IDS.rootVolume, deviceName: '/dev/xvda', snapshotId: 'snap-00000001' },
        { volumeId: IDS.dataVolume, deviceName: '/dev/sdf', snapshotId: 'snap-00000002' },
      ]);
    });
  });

  describe('against the simulated account', () => {
    it('makes one snapshot per volume and none more on redelivery', async () => {
      const account = new SimulatedAccount(createSampleSeed());
      const context = createTestActionContext({
        aws: createSimulatedAwsClients(account),
        stepId: 'evidence',
      });

      const first = await runAction(ec2SnapshotVolumes, { instanceId: IDS.instance }, context);
      const afterFirst = account.snapshot();
      const second = await runAction(
        ec2SnapshotVolumes,
        { instanceId: IDS.instance },
        { ...context, attempt: 2 },
      );

      expect(afterFirst.snapshots.map((s) => s.volumeId).sort()).toEqual(
        [IDS.rootVolume, IDS.dataVolume].sort(),
      );
      expect(afterFirst.snapshots[0]?.tags).toMatchObject({
        'firebreak:run-id': context.runId,
        'firebreak:step-id': 'evidence',
      });
      expect(second).toEqual(first);
      expect(account.snapshot()).toEqual(afterFirst);
    });

    it('makes new snapshots for another step of the same run', async () => {
      const account = new SimulatedAccount(createSampleSeed());
      const aws = createSimulatedAwsClients(account);

      await runAction(
        ec2SnapshotVolumes,
        { instanceId: IDS.instance },
        createTestActionContext({ aws, stepId: 'a' }),
      );
      await runAction(
        ec2SnapshotVolumes,
        { instanceId: IDS.instance },
        createTestActionContext({ aws, stepId: 'b' }),
      );

      expect(account.snapshot().snapshots).toHaveLength(4);
    });
  });
});
