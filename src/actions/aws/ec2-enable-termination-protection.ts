import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';

const inputSchema = z.strictObject({ instanceId: instanceIdSchema, ...awsStepFields });

/** Input of `aws.ec2.enableTerminationProtection`. */
export type EnableTerminationProtectionInput = z.output<typeof inputSchema>;

/** What `aws.ec2.enableTerminationProtection` found and did. */
export interface EnableTerminationProtectionOutput {
  instanceId: string;
  /** `DisableApiTermination` before the step: what the undo puts back. */
  previouslyEnabled: boolean;
  changed: boolean;
}

/** Whether the instance's termination protection (`DisableApiTermination`) is on. */
export async function readTerminationProtection(
  ec2: EC2Client,
  instanceId: string,
): Promise<boolean> {
  const command = new ec2Sdk.DescribeInstanceAttributeCommand({
    InstanceId: instanceId,
    Attribute: 'disableApiTermination',
  });
  const result = await ec2.send(command);
  return result.DisableApiTermination?.Value === true;
}

/** Sets `DisableApiTermination` on an instance. */
export async function writeTerminationProtection(
  ec2: EC2Client,
  instanceId: string,
  enabled: boolean,
): Promise<void> {
  const input = { InstanceId: instanceId, DisableApiTermination: { Value: enabled } };
  await ec2.send(new ec2Sdk.ModifyInstanceAttributeCommand(input));
}

/**
 * `aws.ec2.enableTerminationProtection`: turns on `DisableApiTermination` so that nobody
 * (attacker or automation) terminates the instance and its evidence by API. Check-then-act: it
 * reads the attribute first and changes nothing when it is already on, so a second delivery
 * is a no-op that still reports the value from before. Undo:
 * `aws.ec2.disableTerminationProtection`, only when this step turned it on.
 */
export const ec2EnableTerminationProtection: ActionDefinition<
  EnableTerminationProtectionInput,
  EnableTerminationProtectionOutput
> = {
  id: 'aws.ec2.enableTerminationProtection',
  summary: 'Turn on termination protection of an EC2 instance',
  input: inputSchema,
  iamActions: ['ec2:DescribeInstanceAttribute', 'ec2:ModifyInstanceAttribute'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const previouslyEnabled = await readTerminationProtection(ec2, input.instanceId);
    if (!previouslyEnabled) await writeTerminationProtection(ec2, input.instanceId, true);
    return { instanceId: input.instanceId, previouslyEnabled, changed: !previouslyEnabled };
  },

  async plan(input, context) {
    const enabled = await readTerminationProtection(context.aws.ec2(), input.instanceId);
    if (enabled) return [];
    return [{ resource: `${input.instanceId} termination protection`, before: 'off', after: 'on' }];
  },

  undo: {
    action: 'aws.ec2.disableTerminationProtection',
    input: (output) => (output.previouslyEnabled ? undefined : { instanceId: output.instanceId }),
  },
};
