import {
  AttachInstancesCommand,
  DescribeAutoScalingInstancesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2IsolateInstance, ec2RestoreInstanceNetwork } from '../../../src/actions/aws/index.js';
import { SimulatedAccount, type SimulatedAccountState } from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../../aws/sample-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
} from './action-context.js';

const THIRD_ENI = 'eni-0a1b2c3d4e5f60009';

function createThreeInterfaceAccount() {
  const seed = createSampleSeed();
  seed.instances![0]!.networkInterfaces.push({
    networkInterfaceId: THIRD_ENI,
    securityGroupIds: [IDS.web],
  });
  const account = new SimulatedAccount(seed);
  return { account, context: createTestActionContext({ aws: createSimulatedAwsClients(account) }) };
}

function sshConnection(state: SimulatedAccountState) {
  return state.networkInterfaces.find((n) => n.networkInterfaceId === IDS.eniPrimary)
    ?.connections[0];
}

/** The state without the groups firebreak keeps for the next incident, nor flow states. */
function comparable(state: SimulatedAccountState) {
  return {
    ...state,
    securityGroups: state.securityGroups.filter((g) => !g.groupName.startsWith('firebreak-')),
    networkInterfaces: state.networkInterfaces.map((n) => ({ ...n, connections: [] })),
  };
}

describe('isolation and its undo, against the simulated account', () => {
  it('contains an instance with three interfaces in an Auto Scaling group and cuts its SSH session', async () => {
    const { account, context } = createThreeInterfaceAccount();
    expect(sshConnection(account.snapshot())?.state).toBe('tracked');

    const output = await runAction(ec2IsolateInstance, { instanceId: IDS.instance }, context);

    const state = account.snapshot();
    const enis = state.networkInterfaces.filter((n) => n.attachment?.instanceId === IDS.instance);
    const quarantine = state.securityGroups.find((g) => g.groupId === output.quarantineGroupId);
    expect(enis).toHaveLength(3);
    expect(
      enis.every((n) => n.groupIds.length === 1 && n.groupIds[0] === output.quarantineGroupId),
    ).toBe(true);
    expect(quarantine).toMatchObject({ ingress: [], egress: [] });
    expect(sshConnection(state)?.state).toBe('closed');
    expect(state.instances.find((i) => i.instanceId === IDS.instance)?.state).toBe('running');
    expect(state.autoScalingGroups[0]).toMatchObject({
      name: 'web-asg',
      instances: [],
      desiredCapacity: 0,
    });
    expect(output.autoScaling).toEqual({
      groupName: 'web-asg',
      action: 'detach',
      desiredCapacityDecremented: true,
    });
  });

  it('leaves a tracked session open when the groups are swapped directly', async () => {
    const { account, context } = createThreeInterfaceAccount();

    await runAction(
      ec2IsolateInstance,
      { instanceId: IDS.instance, connectionTracking: 'ignore' },
      context,
    );

    expect(sshConnection(account.snapshot())?.state).toBe('tracked');
  });

  it('puts the instance in standby instead when asked', async () => {
    const { account, context } = createThreeInterfaceAccount();

    await runAction(
      ec2IsolateInstance,
      { instanceId: IDS.instance, autoScaling: 'standby' },
      context,
    );

    expect(account.snapshot().autoScalingGroups[0]?.instances).toEqual([
      { instanceId: IDS.instance, lifecycleState: 'Standby' },
    ]);
  });

  it('restores the state from before isolation, and a redelivered restore changes nothing', async () => {
    const { account, context } = createThreeInterfaceAccount();
    const before = account.snapshot();

    const isolated = await runAction(ec2IsolateInstance, { instanceId: IDS.instance }, context);
    const undo = {
      instanceId: IDS.instance,
      previousGroups: isolated.previousGroups,
      autoScaling: isolated.autoScaling,
    };
    const restored = await runAction(ec2RestoreInstanceNetwork, undo, context);
    const afterRestore = account.snapshot();
    const again = await runAction(ec2RestoreInstanceNetwork, undo, context);

    expect(comparable(afterRestore)).toEqual(comparable(before));
    expect(restored).toMatchObject({ changed: true, autoScalingRestored: true });
    expect(again).toMatchObject({ changed: false, autoScalingRestored: false });
    expect(account.snapshot()).toEqual(afterRestore);
  });
});

describe('aws.ec2.restoreInstanceNetwork with a mocked client', () => {
  it('sends the groups back, removes the tags and reattaches the instance', async () => {
    const aws = createMockedAwsClients();
    const ec2Mock = mockClient(aws.ec2());
    const asgMock = mockClient(aws.autoScaling());
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [{ InstanceId: IDS.instance, Tags: [{ Key: 'Quarantined', Value: 'true' }] }],
        },
      ],
    });
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: IDS.eniPrimary,
          Groups: [{ GroupId: 'sg-0fffffffffffffff0' }],
          TagSet: [{ Key: 'firebreak:previous-groups', Value: IDS.web }],
        },
      ],
    });
    asgMock.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });

    await runAction(
      ec2RestoreInstanceNetwork,
      {
        instanceId: IDS.instance,
        previousGroups: [{ networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web] }],
        autoScaling: { groupName: 'web-asg', action: 'detach', desiredCapacityDecremented: true },
      },
      createTestActionContext({ aws }),
    );

    expect(
      ec2Mock.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((c) => c.args[0].input),
    ).toEqual([{ NetworkInterfaceId: IDS.eniPrimary, Groups: [IDS.web] }]);
    expect(ec2Mock.commandCalls(DeleteTagsCommand).map((c) => c.args[0].input)).toEqual([
      { Resources: [IDS.eniPrimary], Tags: [{ Key: 'firebreak:previous-groups' }] },
      { Resources: [IDS.instance], Tags: [{ Key: 'Quarantined' }] },
    ]);
    expect(asgMock.commandCalls(AttachInstancesCommand)[0]?.args[0].input).toEqual({
      InstanceIds: [IDS.instance],
      AutoScalingGroupName: 'web-asg',
    });
  });

  it('refuses interfaces that are no longer the instance interfaces', async () => {
    const aws = createMockedAwsClients();
    const ec2Mock = mockClient(aws.ec2());
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: IDS.instance }] }] });
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    const input = {
      instanceId: IDS.instance,
      previousGroups: [{ networkInterfaceId: IDS.eniPrimary, securityGroupIds: [IDS.web] }],
    };

    await expect(
      runAction(ec2RestoreInstanceNetwork, input, createTestActionContext({ aws })),
    ).rejects.toMatchObject({
      code: 'AWS_RESTORE_MISMATCH',
    });
  });
});
