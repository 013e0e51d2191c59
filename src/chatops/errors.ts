import { FirebreakError } from '../shared/index.js';
import type { FirebreakErrorOptions } from '../shared/index.js';

/**
 * Stable codes of chatops errors.
 * - `SLACK_CONFIG_INVALID`: the Slack settings cannot start an app (say which variable to set).
 * - `SLACK_COMMAND_INVALID`: the slash command text does not parse; the message says what to type.
 */
export type ChatOpsErrorCode = 'SLACK_CONFIG_INVALID' | 'SLACK_COMMAND_INVALID';

/** An error of the Slack side of firebreak. */
export class ChatOpsError extends FirebreakError {
  declare readonly code: ChatOpsErrorCode;

  constructor(code: ChatOpsErrorCode, message: string, options: FirebreakErrorOptions = {}) {
    super(code, message, options);
  }
}
