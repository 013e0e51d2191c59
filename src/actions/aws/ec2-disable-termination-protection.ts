import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';
import {
  readTerminationProtection,
  writeTerminationProtection,
} from './ec2-enable-termination-protection.js';

const inputSchema = z.strictObject({ instanceId: instanceIdSchema, ...awsStepFields });

/** Input of `aws.ec2.disableTerminationProtection`. */
export type DisableTerminationProtectionInput = z.output<typeof inputSchema>;

/** What `aws.ec2.disableTerminationProtection` found and did. */
export interface DisableTerminationProtectionOutput {
  instanceId: string;
  previouslyEnabled: boolean;
  changed: boolean;
}

/**
 * `aws.ec2.disableTerminationProtection`: the undo of `aws.ec2.enableTerminationProtection`.
 * Check-then-act: it reads the attribute and changes nothing when protection is already off,
 * so a redelivery is a no-op.
 */
export const ec2DisableTerminationProtection: ActionDefinition<
  DisableTerminationProtectionInput,
  DisableTerminationProtectionOutput
> = {
  id: 'aws.ec2.disableTerminationProtection',
  summary: 'Turn off termination protection of an EC2 instance (undo of enable)',
  input: inputSchema,
  iamActions: ['ec2:DescribeInstanceAttribute', 'ec2:ModifyInstanceAttribute'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const previouslyEnabled = await readTerminationProtection(ec2, input.instanceId);
    if (previouslyEnabled) await writeTerminationProtection(ec2, input.instanceId, false);
    return { instanceId: input.instanceId, previouslyEnabled, changed: previouslyEnabled };
  },

  async plan(input, context) {
    const enabled = await readTerminationProtection(context.aws.ec2(), input.instanceId);
    if (!enabled) return [];
    return [{ resource: `${input.instanceId} termination protection`, before: 'on', after: 'off' }];
  },

  undo: {
    action: 'aws.ec2.enableTerminationProtection',
    input: (output) => (output.previouslyEnabled ? { instanceId: output.instanceId } : undefined),
  },
};
