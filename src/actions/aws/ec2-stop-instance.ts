import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';
import { AwsActionError } from './errors.js';
import { findInstance } from './find-instance.js';

const inputSchema = z.strictObject({
  instanceId: instanceIdSchema,
  /** Stop without letting the OS shut down cleanly (AWS's `Force`). Default false. */
  force: z.boolean().default(false),
  ...awsStepFields,
});

/** Input of `aws.ec2.stopInstance`. */
export type StopInstanceInput = z.output<typeof inputSchema>;

/** What `aws.ec2.stopInstance` found and did. */
export interface StopInstanceOutput {
  instanceId: string;
  /** The state before the step (`running`, `stopped`...): the undo starts it only if running. */
  previousState: string;
  changed: boolean;
}

/** States from which there is nothing to stop. */
const ALREADY_STOPPING = new Set(['stopping', 'stopped']);

/**
 * `aws.ec2.stopInstance`: stops an instance (its EBS volumes stay; memory is lost, so capture
 * what you need from memory first). Check-then-act: it describes the instance and sends
 * `StopInstances` only when it is not already stopping or stopped, so a second delivery changes
 * nothing. Undo: `aws.ec2.startInstance`, when the instance was running.
 */
export const ec2StopInstance: ActionDefinition<StopInstanceInput, StopInstanceOutput> = {
  id: 'aws.ec2.stopInstance',
  summary: 'Stop an EC2 instance (volumes kept, memory lost)',
  input: inputSchema,
  iamActions: ['ec2:DescribeInstances', 'ec2:StopInstances'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const instance = await findInstance(ec2, input.instanceId);
    const previousState = instance.State?.Name ?? 'unknown';
    if (previousState === 'terminated' || previousState === 'shutting-down') {
      throw new AwsActionError(
        'AWS_INSTANCE_TERMINATED',
        `instance ${input.instanceId} is ${previousState}; there is nothing to stop`,
      );
    }
    if (ALREADY_STOPPING.has(previousState)) {
      return { instanceId: input.instanceId, previousState, changed: false };
    }
    const command = { InstanceIds: [input.instanceId], ...(input.force ? { Force: true } : {}) };
    await ec2.send(new ec2Sdk.StopInstancesCommand(command));
    return { instanceId: input.instanceId, previousState, changed: true };
  },

  async plan(input, context) {
    const instance = await findInstance(context.aws.ec2(), input.instanceId);
    const state = instance.State?.Name ?? 'unknown';
    if (ALREADY_STOPPING.has(state)) return [];
    return [{ resource: `${input.instanceId} state`, before: state, after: 'stopped' }];
  },

  undo: {
    action: 'aws.ec2.startInstance',
    input: (output) =>
      output.changed && output.previousState === 'running'
        ? { instanceId: output.instanceId }
        : undefined,
  },
};
