import { randomBytes } from 'node:crypto';
import { CreateLoginProfileCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, iamNameSchema } from './aws-input-schemas.js';
import { hasLoginProfile } from './iam-disable-console-login.js';

const inputSchema = z.strictObject({ userName: iamNameSchema, ...awsStepFields });

/** Input of `aws.iam.enableConsoleLogin`. */
export type EnableConsoleLoginInput = z.output<typeof inputSchema>;

/** What `aws.iam.enableConsoleLogin` did. The password is never part of it. */
export interface EnableConsoleLoginOutput {
  userName: string;
  created: boolean;
  /** Always true for a profile this step created: an administrator must set a new password. */
  passwordResetRequired: boolean;
  changed: boolean;
}

/** A throwaway password nobody learns, meeting common IAM password policies. */
function createThrowawayPassword(): string {
  return `Fb1!${randomBytes(24).toString('base64url')}`;
}

/**
 * `aws.iam.enableConsoleLogin`: the undo of `aws.iam.disableConsoleLogin`. It creates a login
 * profile with a random password that is never shown or logged and `PasswordResetRequired`,
 * so the user signs in again only after an administrator sets a password
 * (`aws iam update-login-profile`). Check-then-act: a user who already has a profile is left
 * alone, so a redelivery changes nothing.
 */
export const iamEnableConsoleLogin: ActionDefinition<
  EnableConsoleLoginInput,
  EnableConsoleLoginOutput
> = {
  id: 'aws.iam.enableConsoleLogin',
  summary: "Re-create an IAM user's login profile (undo of disableConsoleLogin)",
  input: inputSchema,
  iamActions: ['iam:GetLoginProfile', 'iam:CreateLoginProfile'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const iam = context.aws.iam();
    if (await hasLoginProfile(iam, input.userName)) {
      return {
        userName: input.userName,
        created: false,
        passwordResetRequired: false,
        changed: false,
      };
    }
    const request = {
      UserName: input.userName,
      Password: createThrowawayPassword(),
      PasswordResetRequired: true,
    };
    await iam.send(new CreateLoginProfileCommand(request));
    return { userName: input.userName, created: true, passwordResetRequired: true, changed: true };
  },

  async plan(input, context) {
    if (await hasLoginProfile(context.aws.iam(), input.userName)) return [];
    return [
      {
        resource: `user ${input.userName} console login`,
        before: 'disabled',
        after: 'enabled, password reset required',
      },
    ];
  },

  undo: {
    action: 'aws.iam.disableConsoleLogin',
    input: (output) => (output.created ? { userName: output.userName } : undefined),
  },
};
