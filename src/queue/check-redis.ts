import type { Redis } from 'ioredis';
import { describeError, FirebreakError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';

/** How long a command waits for Redis at start before it says Redis cannot be reached. */
export const REDIS_START_TIMEOUT_MS = 5000;

/** The URL without a password, for messages and logs. */
export function toSafeRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/**
 * Waits until Redis answers a PING, or fails after `timeoutMs` with what the connection last
 * said (connection refused, wrong password): a command started while Redis is down stops at
 * once with a clear message instead of retrying in silence.
 * @throws FirebreakError `REDIS_UNREACHABLE`
 */
export async function checkRedisReachable(
  redis: Redis,
  redisUrl: string,
  timeoutMs = REDIS_START_TIMEOUT_MS,
): Promise<void> {
  let lastError: unknown;
  const remember = (error: unknown) => {
    lastError = error;
  };
  redis.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const why = describeError(lastError ?? error);
    throw new FirebreakError(
      'REDIS_UNREACHABLE',
      `cannot reach Redis at ${toSafeRedisUrl(redisUrl)} (${why}); ` +
        `start redis-server or fix REDIS_URL (unset it to run in this process)`,
    );
  } finally {
    clearTimeout(timer);
    redis.off('error', remember);
  }
}

/**
 * A warning logger that says the same error at most once per `everyMs`: a connection down for
 * a minute retries many times a second, and one line per retry buries everything else.
 */
export function createThrottledWarning(
  logger: Logger,
  message: string,
  everyMs = 10_000,
): (error: unknown) => void {
  let last = { error: '', atMs: 0 };
  return (error) => {
    const text = describeError(error);
    const nowMs = Date.now();
    if (text === last.error && nowMs - last.atMs < everyMs) return;
    last = { error: text, atMs: nowMs };
    logger.warn(message, { error: text });
  };
}

/** Logs a connection's errors (one per reconnect attempt) through a throttled warning. */
export function logRedisErrors(redis: Redis, logger: Logger, everyMs = 10_000): void {
  redis.on('error', createThrottledWarning(logger, 'Redis connection error; retrying', everyMs));
}
