import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';
import { findInstance } from './find-instance.js';

const inputSchema = z.strictObject({ instanceId: instanceIdSchema, ...awsStepFields });

/** Input of `aws.ec2.startInstance`. */
export type StartInstanceInput = z.output<typeof inputSchema>;

/** What `aws.ec2.startInstance` found and did. */
export interface StartInstanceOutput {
  instanceId: string;
  previousState: string;
  changed: boolean;
}

const ALREADY_STARTING = new Set(['pending', 'running']);

/**
 * `aws.ec2.startInstance`: the undo of `aws.ec2.stopInstance`. Check-then-act: it describes the
 * instance and sends `StartInstances` only when it is not already pending or running.
 */
export const ec2StartInstance: ActionDefinition<StartInstanceInput, StartInstanceOutput> = {
  id: 'aws.ec2.startInstance',
  summary: 'Start a stopped EC2 instance (undo of stop)',
  input: inputSchema,
  iamActions: ['ec2:DescribeInstances', 'ec2:StartInstances'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const instance = await findInstance(ec2, input.instanceId);
    const previousState = instance.State?.Name ?? 'unknown';
    if (ALREADY_STARTING.has(previousState)) {
      return { instanceId: input.instanceId, previousState, changed: false };
    }
    await ec2.send(new ec2Sdk.StartInstancesCommand({ InstanceIds: [input.instanceId] }));
    return { instanceId: input.instanceId, previousState, changed: true };
  },

  async plan(input, context) {
    const instance = await findInstance(context.aws.ec2(), input.instanceId);
    const state = instance.State?.Name ?? 'unknown';
    if (ALREADY_STARTING.has(state)) return [];
    return [{ resource: `${input.instanceId} state`, before: state, after: 'running' }];
  },

  undo: {
    action: 'aws.ec2.stopInstance',
    input: (output) => (output.changed ? { instanceId: output.instanceId } : undefined),
  },
};
