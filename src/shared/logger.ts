import { pino } from 'pino';

/** Structured fields attached to a log line. Never put secrets or whole payloads here. */
export type LogFields = Record<string, unknown>;

/** The logging seam every component takes through its options. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (component, runId, stepId...). */
  child(fields: LogFields): Logger;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. Default `info`, or `LOG_LEVEL` when set. */
  level?: string;
  /** Where JSON lines go: a file descriptor. Default 2 (stderr), so stdout stays for output. */
  destinationFd?: number;
}

/**
 * Wraps the pino logger `resolve` gives. A child is made on its first line, not when asked for:
 * the engine asks for one per step, and most steps log nothing.
 */
function fromPino(resolve: () => pino.Logger): Logger {
  return {
    debug: (message, fields) => resolve().debug(fields ?? {}, message),
    info: (message, fields) => resolve().info(fields ?? {}, message),
    warn: (message, fields) => resolve().warn(fields ?? {}, message),
    error: (message, fields) => resolve().error(fields ?? {}, message),
    child: (fields) => {
      let child: pino.Logger | undefined;
      return fromPino(() => (child ??= resolve().child(fields)));
    },
  };
}

/** A pino-backed JSON logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const destination = pino.destination({ fd: options.destinationFd ?? 2, sync: true });
  const base = pino({ level, base: { app: 'firebreak' } }, destination);
  return fromPino(() => base);
}

/** A logger that drops everything: the default in tests and library code. */
export function createSilentLogger(): Logger {
  const silent: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => silent,
  };
  return silent;
}
