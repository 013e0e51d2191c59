import {
  DescribeInstanceAttributeCommand,
  ModifyInstanceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  ec2DisableTerminationProtection,
  ec2EnableTerminationProtection,
} from '../../../src/actions/aws/index.js';
import type { SimulatedAccountState } from '../../../src/aws/index.js';
import { IDS } from '../../aws/sample-seed.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { createResponseSimulation, runWithUndo, sentCommands } from './undo-harness.js';

function instanceOf(state: SimulatedAccountState) {
  return state.instances.find((i) => i.instanceId === IDS.instance);
}

describe('aws.ec2.enableTerminationProtection', () => {
  describe('with a mocked client', () => {
    it('reads the attribute, then sets DisableApiTermination', async () => {
      const aws = createMockedAwsClients();
      const ec2 = mockClient(aws.ec2());
      ec2
        .on(DescribeInstanceAttributeCommand)
        .resolves({ DisableApiTermination: { Value: false } });

      const output = await runAction(
        ec2EnableTerminationProtection,
        { instanceId: IDS.instance },
        createTestActionContext({ aws }),
      );

      expect(sentCommands(ec2)).toEqual([
        [
          'DescribeInstanceAttribute',
          { InstanceId: IDS.instance, Attribute: 'disableApiTermination' },
        ],
        [
          'ModifyInstanceAttribute',
          { InstanceId: IDS.instance, DisableApiTermination: { Value: true } },
        ],
      ]);
      expect(output).toEqual({ instanceId: IDS.instance, previouslyEnabled: false, changed: true });
    });

    it('sends nothing more when protection is already on', async () => {
      const aws = createMockedAwsClients();
      const ec2 = mockClient(aws.ec2());
      ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: true } });

      await runAction(
        ec2EnableTerminationProtection,
        { instanceId: IDS.instance },
        createTestActionContext({ aws }),
      );

      expect(ec2.commandCalls(ModifyInstanceAttributeCommand)).toHaveLength(0);
    });
  });

  describe('against the simulated account', () => {
    it('protects the instance, changes nothing when delivered twice, and its undo restores the state', async () => {
      const { account, context } = createResponseSimulation();

      const seen = await runWithUndo(account, context, ec2EnableTerminationProtection, {
        instanceId: IDS.instance,
      });

      expect(instanceOf(seen.after)?.terminationProtection).toBe(true);
      expect(seen.undoInput).toEqual({ instanceId: IDS.instance });
      expect(seen.undone).toEqual(seen.before);
    });

    it('changes nothing on a second delivery', async () => {
      const { account, context } = createResponseSimulation();
      const input = { instanceId: IDS.instance };
      await runAction(ec2EnableTerminationProtection, input, context);
      const once = account.snapshot();

      const again = await runAction(ec2EnableTerminationProtection, input, context);

      expect(account.snapshot()).toEqual(once);
      expect(again.changed).toBe(false);
      expect(ec2EnableTerminationProtection.undo?.input(again, input)).toBeUndefined();
    });

    it('plans off -> on', async () => {
      const { context } = createResponseSimulation();

      const plan = await ec2EnableTerminationProtection.plan?.(
        ec2EnableTerminationProtection.input.parse({ instanceId: IDS.instance }),
        context,
      );

      expect(plan).toEqual([
        { resource: `${IDS.instance} termination protection`, before: 'off', after: 'on' },
      ]);
    });
  });
});

describe('aws.ec2.disableTerminationProtection', () => {
  it('turns protection off only when it is on', async () => {
    const { account, context } = createResponseSimulation();
    await runAction(ec2EnableTerminationProtection, { instanceId: IDS.instance }, context);

    const first = await runAction(
      ec2DisableTerminationProtection,
      { instanceId: IDS.instance },
      context,
    );
    const second = await runAction(
      ec2DisableTerminationProtection,
      { instanceId: IDS.instance },
      context,
    );

    expect(instanceOf(account.snapshot())?.terminationProtection).toBe(false);
    expect([first.changed, second.changed]).toEqual([true, false]);
  });
});
