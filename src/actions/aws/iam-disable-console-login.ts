import {
  DeleteLoginProfileCommand,
  GetLoginProfileCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, iamNameSchema } from './aws-input-schemas.js';
import { isNoSuchEntity } from './iam-principal-api.js';

const inputSchema = z.strictObject({ userName: iamNameSchema, ...awsStepFields });

/** Input of `aws.iam.disableConsoleLogin`. */
export type DisableConsoleLoginInput = z.output<typeof inputSchema>;

/** What `aws.iam.disableConsoleLogin` found and did. */
export interface DisableConsoleLoginOutput {
  userName: string;
  /** Whether the user had a console password before the step. */
  hadLoginProfile: boolean;
  changed: boolean;
}

/** Whether the user has a login profile (a console password). */
export async function hasLoginProfile(iam: IAMClient, userName: string): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw error;
  }
}

/**
 * `aws.iam.disableConsoleLogin`: deletes a user's login profile, so the console password stops
 * working (IAM has no other way to disable it; console sessions already open last until they
 * expire). Check-then-act: it looks for the profile first and changes nothing when there is
 * none, so a second delivery is a no-op. Undo: `aws.iam.enableConsoleLogin`, which creates a
 * new profile with a random password that must be reset: IAM never reveals the old password,
 * so no undo can bring it back.
 */
export const iamDisableConsoleLogin: ActionDefinition<
  DisableConsoleLoginInput,
  DisableConsoleLoginOutput
> = {
  id: 'aws.iam.disableConsoleLogin',
  summary: "Disable an IAM user's console sign-in (delete the login profile)",
  input: inputSchema,
  iamActions: ['iam:GetLoginProfile', 'iam:DeleteLoginProfile'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    const hadLoginProfile = await hasLoginProfile(iam, input.userName);
    if (hadLoginProfile)
      await iam.send(new DeleteLoginProfileCommand({ UserName: input.userName }));
    return { userName: input.userName, hadLoginProfile, changed: hadLoginProfile };
  },

  async plan(input, context) {
    if (!(await hasLoginProfile(context.aws.iam(), input.userName))) return [];
    return [
      { resource: `user ${input.userName} console login`, before: 'enabled', after: 'disabled' },
    ];
  },

  undo: {
    action: 'aws.iam.enableConsoleLogin',
    input: (output) => (output.changed ? { userName: output.userName } : undefined),
  },
};
