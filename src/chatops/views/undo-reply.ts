import type { RunState } from '../../engine/index.js';
import type { UndoRequest } from '../../plan/index.js';
import { escapeSlackText } from './slack-text.js';

/** The answer to `/ir undo` that starts an undo run: what it reverses and who must approve. */
export function toUndoStartedReply(
  run: Pick<RunState, 'runId' | 'runbookId'>,
  undo: Pick<UndoRequest, 'runbook' | 'reverses'>,
  undoRunId: string,
  accountLabel: string,
): string {
  const steps = undo.reverses
    .map(({ undoStepId, stepId }) => `\`${undoStepId}\` reverses \`${stepId}\``)
    .join(', ');
  const roles = undo.runbook.permissions?.approve?.join(', ') ?? 'anyone but you';
  const runbook = escapeSlackText(run.runbookId);
  return `:rewind: Starting the undo of \`${run.runId}\` (${runbook}) as \`${undoRunId}\` on the ${accountLabel}, newest change first: ${steps}. Each undo step waits for approval (${roles}; not you); progress follows in this channel.`;
}
