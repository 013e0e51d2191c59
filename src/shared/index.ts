export { createLogger, createSilentLogger } from './logger.js';
export type { Logger, LogFields, LoggerOptions } from './logger.js';
export { FirebreakError, describeError } from './errors.js';
export type { ErrorContext, FirebreakErrorOptions } from './errors.js';
export { createSystemClock, VirtualClock } from './clock.js';
export type { Clock } from './clock.js';
export { parseDurationMs, isDuration, formatOffsetMs } from './duration.js';
export { createRunId, createSequentialIds, createUniqueTokens } from './ids.js';
