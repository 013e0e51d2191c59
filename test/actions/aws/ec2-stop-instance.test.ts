import {
  DescribeInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2StartInstance, ec2StopInstance } from '../../../src/actions/aws/index.js';
import { IDS } from '../../aws/sample-seed.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { createResponseSimulation, runWithUndo, sentCommands } from './undo-harness.js';

function mockInstanceIn(state: string) {
  const aws = createMockedAwsClients();
  const ec2 = mockClient(aws.ec2());
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [{ Instances: [{ InstanceId: IDS.instance, State: { Name: state as never } }] }],
  });
  return { aws, ec2 };
}

describe('aws.ec2.stopInstance', () => {
  describe('with a mocked client', () => {
    it('describes the instance, then stops it with Force when asked', async () => {
      const { aws, ec2 } = mockInstanceIn('running');

      await runAction(
        ec2StopInstance,
        { instanceId: IDS.instance, force: true },
        createTestActionContext({ aws }),
      );

      expect(sentCommands(ec2)).toEqual([
        ['DescribeInstances', { InstanceIds: [IDS.instance] }],
        ['StopInstances', { InstanceIds: [IDS.instance], Force: true }],
      ]);
    });

    it('sends no StopInstances for a stopped instance', async () => {
      const { aws, ec2 } = mockInstanceIn('stopped');

      const output = await runAction(
        ec2StopInstance,
        { instanceId: IDS.instance },
        createTestActionContext({ aws }),
      );

      expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
      expect(output).toEqual({
        instanceId: IDS.instance,
        previousState: 'stopped',
        changed: false,
      });
    });

    it('refuses a terminated instance', async () => {
      const { aws } = mockInstanceIn('terminated');

      await expect(
        runAction(ec2StopInstance, { instanceId: IDS.instance }, createTestActionContext({ aws })),
      ).rejects.toMatchObject({ code: 'AWS_INSTANCE_TERMINATED' });
    });
  });

  describe('against the simulated account', () => {
    it('stops the instance, and its undo starts it again to the state from before', async () => {
      const { account, context } = createResponseSimulation();

      const seen = await runWithUndo(account, context, ec2StopInstance, {
        instanceId: IDS.instance,
      });

      const state = (s: typeof seen.after) =>
        s.instances.find((i) => i.instanceId === IDS.instance)?.state;
      expect(state(seen.after)).toBe('stopped');
      expect(seen.undoInput).toEqual({ instanceId: IDS.instance });
      expect(seen.undone).toEqual(seen.before);
    });

    it('changes nothing on a second delivery', async () => {
      const { account, context } = createResponseSimulation();
      await runAction(ec2StopInstance, { instanceId: IDS.instance }, context);
      const once = account.snapshot();

      const again = await runAction(ec2StopInstance, { instanceId: IDS.instance }, context);

      expect(account.snapshot()).toEqual(once);
      expect(again.changed).toBe(false);
    });
  });
});

describe('aws.ec2.startInstance', () => {
  it('sends StartInstances only for an instance that is not running', async () => {
    const { aws, ec2 } = mockInstanceIn('stopped');

    await runAction(
      ec2StartInstance,
      { instanceId: IDS.instance },
      createTestActionContext({ aws }),
    );

    expect(ec2.commandCalls(StartInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceIds: [IDS.instance] },
    ]);
  });
});
