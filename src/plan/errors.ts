import { FirebreakError, type FirebreakErrorOptions } from '../shared/index.js';

/**
 * Stable codes of {@link UndoError}:
 * - `UNDO_RUN_NOT_FINISHED`: the run is still going; undo a run once it has finished.
 * - `UNDO_STEP_UNKNOWN`: `--step` names no step of the run.
 * - `UNDO_STEP_NOT_UNDOABLE`: the step did not succeed, changed nothing, or its action has no undo.
 * - `UNDO_NOTHING_TO_UNDO`: no step of the run changed anything that an action can undo.
 * - `UNDO_UNSAFE_VALUE`: a recorded value holds `${{`, which the undo runbook would evaluate.
 * - `UNDO_NO_RUN_HISTORY`: the run is not known to this process (in-process runs do not last).
 * - `UNDO_IN_FLIGHT`: another undo of the run has not finished.
 * - `UNDO_ALREADY_DONE`: a finished undo run already reversed the step (or every step).
 * - `UNDO_RUNBOOK_UNKNOWN`: the run's runbook is not loaded, so its permissions are unknown.
 */
export type UndoErrorCode =
  | 'UNDO_RUN_NOT_FINISHED'
  | 'UNDO_STEP_UNKNOWN'
  | 'UNDO_STEP_NOT_UNDOABLE'
  | 'UNDO_NOTHING_TO_UNDO'
  | 'UNDO_UNSAFE_VALUE'
  | 'UNDO_NO_RUN_HISTORY'
  | 'UNDO_IN_FLIGHT'
  | 'UNDO_ALREADY_DONE'
  | 'UNDO_RUNBOOK_UNKNOWN';

/** Why `firebreak undo` cannot build an undo run. */
export class UndoError extends FirebreakError {
  declare readonly code: UndoErrorCode;

  constructor(code: UndoErrorCode, message: string, options: FirebreakErrorOptions = {}) {
    super(code, message, options);
  }
}
