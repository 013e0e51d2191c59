import type { ActionRegistry } from '../actions/index.js';
import { resolveRunLock } from '../engine/index.js';
import type { RunDriver, RunState } from '../engine/index.js';
import {
  createUndoRequest,
  findReversedSteps,
  findUndoInFlight,
  requireRunbookOf,
} from '../plan/index.js';
import type { UndoRequest } from '../plan/index.js';
import type { RunbookCatalog } from '../runbook/index.js';
import { ChatOpsError } from './errors.js';

/** Options for {@link prepareUndo}. */
export interface PrepareUndoOptions {
  readonly driver: Pick<RunDriver, 'durable' | 'getRun' | 'listRuns'>;
  /** Where the original runbook's permissions come from. */
  readonly catalog: Pick<RunbookCatalog, 'find' | 'refusedNote'>;
  readonly actions: ActionRegistry;
  /** Our slash command, e.g. `/ir`, for what to type instead. */
  readonly command: string;
}

/** What `/ir undo` asked for. */
export interface UndoCommand {
  readonly runId: string;
  /** Undo only this step. Default: every step that changed something. */
  readonly stepId?: string;
  /** The Slack user id that asked; cannot approve the undo. */
  readonly requester: string;
}

async function findRunToUndo(runId: string, options: PrepareUndoOptions): Promise<RunState> {
  const run = await options.driver.getRun(runId);
  if (run) return run;
  // In-process runs live only as long as the server that started them.
  const kept = options.driver.durable
    ? ''
    : ' (runs are not kept across restarts without REDIS_URL)';
  throw new ChatOpsError(
    'SLACK_COMMAND_INVALID',
    `There is no run "${runId}" to undo${kept}. Type \`${options.command} status\` to see recent runs.`,
    { runId },
  );
}

/** Two undo runs of one run would each restore what the other already restored. */
function checkNoUndoInFlight(
  run: RunState,
  runs: readonly RunState[],
  options: PrepareUndoOptions,
): void {
  const busy = findUndoInFlight(run.runId, runs);
  if (busy === undefined) return;
  throw new ChatOpsError(
    'SLACK_COMMAND_INVALID',
    `\`${busy.runId}\` is already undoing ${run.runId} (${busy.status}). Let it finish, or type \`${options.command} abort ${busy.runId} <reason>\`.`,
    { runId: run.runId },
  );
}

/**
 * Builds the undo of a run for `/ir undo`, refusing (with what to type instead) a run that is
 * unknown or already being undone; {@link createUndoRequest} refuses one that is unfinished
 * or has nothing to undo. The undo runbook travels in the request, so nothing is registered.
 * @throws ChatOpsError `SLACK_COMMAND_INVALID`; UndoError from {@link createUndoRequest}
 */
export async function prepareUndo(
  command: UndoCommand,
  options: PrepareUndoOptions,
): Promise<{ readonly run: RunState; readonly undo: UndoRequest }> {
  const run = await findRunToUndo(command.runId, options);
  const runs = await options.driver.listRuns();
  checkNoUndoInFlight(run, runs, options);
  const runbook = requireRunbookOf(run, options.catalog);
  const undo = createUndoRequest(run, options.actions, {
    stepId: command.stepId,
    requester: command.requester,
    permissions: runbook.permissions,
    reversed: findReversedSteps(run.runId, runs),
    lock: await resolveRunLock(runbook, run),
  });
  return { run, undo };
}
