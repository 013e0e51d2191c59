import type { RunbookDocument } from '../runbook/index.js';
import type { RunState } from './run-state.js';

/**
 * Who may abort a run: the person who asked for it, or someone holding one of the runbook's
 * `approve` roles (else its `run` roles; with neither listed, any role of the role map). The
 * same rule for Slack and the CLI. Returns undefined when `userId` may, else the roles needed.
 */
export function abortRefusal(
  run: RunState,
  runbook: RunbookDocument | undefined,
  userId: string,
  roles: readonly string[],
): string | undefined {
  // A run an alarm or finding started has no person as its requester: `sns` is nobody's name.
  if (userId === run.requester && run.trigger.source !== 'sns') return undefined;
  const mayAbort = runbook?.permissions?.approve ?? runbook?.permissions?.run;
  if (roles.length > 0 && (!mayAbort || mayAbort.some((role) => roles.includes(role)))) {
    return undefined;
  }
  return mayAbort?.join(', ') ?? 'any firebreak role';
}
