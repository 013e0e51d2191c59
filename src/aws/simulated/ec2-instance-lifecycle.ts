import type {
  DescribeInstanceAttributeRequest,
  GetConsoleOutputRequest,
  GetConsoleOutputResult,
  InstanceAttribute,
  ModifyInstanceAttributeRequest,
  StartInstancesRequest,
  StartInstancesResult,
  StopInstancesRequest,
  StopInstancesResult,
} from '@aws-sdk/client-ec2';
import { EC2_RESOURCE_KINDS, requireAll, requireInstance } from './ec2-lookups.js';
import { INSTANCE_STATE_CODES } from './ec2-instances.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';

/** Instance attribute and lifecycle operations of the simulated EC2. */
export const ec2InstanceLifecycleOperations = {
  StopInstances(context: SimulatedContext, input: StopInstancesRequest): StopInstancesResult {
    const ids = input.InstanceIds ?? [];
    const instances = requireAll(
      EC2_RESOURCE_KINDS.instance,
      ids,
      context.state.instances,
      (i) => i.instanceId,
    );
    const bad = instances.find((i) => i.state === 'terminated' || i.state === 'shutting-down');
    if (bad !== undefined) {
      throw awsError(
        'IncorrectInstanceState',
        `This instance '${bad.instanceId}' is not in a state from which it can be stopped.`,
      );
    }
    return {
      StoppingInstances: instances.map((instance) => {
        const previous = instance.state;
        // The simulation skips `stopping`: instances stop at once.
        instance.state = 'stopped';
        return {
          InstanceId: instance.instanceId,
          PreviousState: { Name: previous, Code: INSTANCE_STATE_CODES[previous] },
          CurrentState: {
            Name: previous === 'stopped' ? 'stopped' : 'stopping',
            Code: previous === 'stopped' ? 80 : 64,
          },
        };
      }),
    };
  },

  StartInstances(context: SimulatedContext, input: StartInstancesRequest): StartInstancesResult {
    const ids = input.InstanceIds ?? [];
    const instances = requireAll(
      EC2_RESOURCE_KINDS.instance,
      ids,
      context.state.instances,
      (i) => i.instanceId,
    );
    const bad = instances.find((i) => i.state !== 'stopped' && i.state !== 'running');
    if (bad !== undefined) {
      throw awsError(
        'IncorrectInstanceState',
        `The instance '${bad.instanceId}' is not in a state from which it can be started.`,
      );
    }
    return {
      StartingInstances: instances.map((instance) => {
        const previous = instance.state;
        // The simulation skips `pending`: instances run at once.
        instance.state = 'running';
        return {
          InstanceId: instance.instanceId,
          PreviousState: { Name: previous, Code: INSTANCE_STATE_CODES[previous] },
          CurrentState: {
            Name: previous === 'running' ? 'running' : 'pending',
            Code: previous === 'running' ? 16 : 0,
          },
        };
      }),
    };
  },

  ModifyInstanceAttribute(
    context: SimulatedContext,
    input: ModifyInstanceAttributeRequest,
  ): object {
    const instance = requireInstance(context, input.InstanceId ?? '');
    const protection = input.DisableApiTermination?.Value;
    if (protection === undefined) {
      throw awsError(
        'InvalidParameterCombination',
        'The simulated account models only DisableApiTermination',
      );
    }
    instance.terminationProtection = protection;
    return {};
  },

  DescribeInstanceAttribute(
    context: SimulatedContext,
    input: DescribeInstanceAttributeRequest,
  ): InstanceAttribute {
    const instance = requireInstance(context, input.InstanceId ?? '');
    if (input.Attribute !== 'disableApiTermination') {
      throw awsError(
        'InvalidParameterValue',
        `Value (${input.Attribute}) for parameter attribute is invalid.`,
      );
    }
    return {
      InstanceId: instance.instanceId,
      DisableApiTermination: { Value: instance.terminationProtection },
    };
  },

  GetConsoleOutput(
    context: SimulatedContext,
    input: GetConsoleOutputRequest,
  ): GetConsoleOutputResult {
    const instance = requireInstance(context, input.InstanceId ?? '');
    return {
      InstanceId: instance.instanceId,
      Timestamp: new Date(context.now()),
      Output: Buffer.from(instance.consoleOutput, 'utf8').toString('base64'),
    };
  },
} satisfies SimulatedOperationTable;
