import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';

/** Console output kept in the step's outputs; the rest is counted, not stored. */
export const MAX_CONSOLE_OUTPUT_CHARS = 64 * 1024;

const inputSchema = z.strictObject({
  instanceId: instanceIdSchema,
  /** The latest output (Nitro instances) instead of the last buffered 64 KB. Default false. */
  latest: z.boolean().default(false),
  ...awsStepFields,
});

/** Input of `aws.ec2.getConsoleOutput`. */
export type GetConsoleOutputInput = z.output<typeof inputSchema>;

/** The instance's serial console output, as evidence. */
export interface GetConsoleOutputOutput {
  instanceId: string;
  /** When AWS captured the output (ISO), if it said. */
  capturedAt?: string;
  /** The decoded text, cut to {@link MAX_CONSOLE_OUTPUT_CHARS} characters. */
  output: string;
  /** Characters the cut left out. */
  truncatedChars: number;
}

/**
 * `aws.ec2.getConsoleOutput`: the instance's console output (boot messages, kernel panics,
 * what an attacker's tooling printed), decoded from AWS's base64. Read-only, so a second
 * delivery is harmless.
 */
export const ec2GetConsoleOutput: ActionDefinition<GetConsoleOutputInput, GetConsoleOutputOutput> =
  {
    id: 'aws.ec2.getConsoleOutput',
    summary: 'Capture the console output of an EC2 instance as evidence',
    input: inputSchema,
    iamActions: ['ec2:GetConsoleOutput'],
    mutating: false,
    idempotency: 'safe',

    async run(input, context) {
      const request = { InstanceId: input.instanceId, ...(input.latest ? { Latest: true } : {}) };
      const result = await context.aws.ec2().send(new ec2Sdk.GetConsoleOutputCommand(request));
      const text = Buffer.from(result.Output ?? '', 'base64').toString('utf8');
      return {
        instanceId: input.instanceId,
        ...(result.Timestamp === undefined ? {} : { capturedAt: result.Timestamp.toISOString() }),
        output: text.slice(0, MAX_CONSOLE_OUTPUT_CHARS),
        truncatedChars: Math.max(0, text.length - MAX_CONSOLE_OUTPUT_CHARS),
      };
    },
  };
