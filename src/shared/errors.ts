/** Context carried by every firebreak error, for logs and audit records. */
export interface ErrorContext {
  readonly runbookId?: string;
  readonly runId?: string;
  readonly stepId?: string;
  readonly incidentId?: string;
}

/** Options for {@link FirebreakError}. */
export interface FirebreakErrorOptions extends ErrorContext {
  cause?: unknown;
}

/**
 * The base of every error firebreak raises on purpose. `code` is stable and documented
 * (UPPER_SNAKE); messages say what failed and what to do next.
 */
export class FirebreakError extends Error {
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, options: FirebreakErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    const { cause: _cause, ...context } = options;
    this.context = Object.freeze(context);
  }
}

/** Turns anything thrown into a short message for a person. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
