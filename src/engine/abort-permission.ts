import type { RunbookDocument } from '../runbook/index.js';
import type { RunState } from './run-state.js';

/**
 * Who may abort a run: its requester, or someone holding one of the runbook's `approve` roles
 * (else its `run` roles; with neither listed, any role of the role map). The same rule for
 * Slack and the CLI. Returns undefined when `userId` may, else the roles it would need.
 */
export function abortRefusal(
  run: RunState,
  runbook: RunbookDocument | undefined,
  userId: string,
  roles: readonly string[],
): string | undefined {
  if (userId === run.requester) return undefined;
  const mayAbort = runbook?.permissions?.approve ?? runbook?.permissions?.run;
  if (roles.length > 0 && (!mayAbort || mayAbort.some((role) => roles.includes(role)))) {
    return undefined;
  }
  return mayAbort?.join(', ') ?? 'any firebreak role';
}
