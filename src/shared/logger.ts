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

function fromPino(base: pino.Logger): Logger {
  return {
    debug: (message, fields) => base.debug(fields ?? {}, message),
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
    child: (fields) => fromPino(base.child(fields)),
  };
}

/** A pino-backed JSON logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const destination = pino.destination({ fd: options.destinationFd ?? 2, sync: true });
  return fromPino(pino({ level, base: { app: 'firebreak' } }, destination));
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
