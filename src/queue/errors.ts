import { FirebreakError } from '../shared/index.js';

/** A run refused because another run holds its runbook's lock (`lockMode: refuse`). Code `RUN_LOCKED`. */
export class RunLockedError extends FirebreakError {
  constructor(
    readonly runId: string,
    readonly lock: string,
    readonly heldBy: string,
    runbookId: string,
  ) {
    super(
      'RUN_LOCKED',
      `run ${runId} of ${runbookId} refused: ${heldBy} holds the lock on "${lock}". Wait for it to finish or abort it.`,
      { runId, runbookId },
    );
  }
}

/** A run id that is already taken. Code `RUN_EXISTS`. */
export class RunExistsError extends FirebreakError {
  constructor(readonly runId: string) {
    super('RUN_EXISTS', `run ${runId} already exists; start it under another id`, { runId });
  }
}

/** A command that needs the durable queue, used without `REDIS_URL`. Code `QUEUE_NOT_CONFIGURED`. */
export class QueueNotConfiguredError extends FirebreakError {
  constructor(what: string) {
    super(
      'QUEUE_NOT_CONFIGURED',
      `${what} needs the durable queue: set REDIS_URL (e.g. redis://127.0.0.1:6379) and try again`,
    );
  }
}
