import { computeBackoffMs, sleepMs } from '../aws/index.js';
import type { Logger } from '../shared/index.js';
import { classifyError } from './classify-error.js';

/** How one delivery of a step retries its action on throttled and transient AWS errors. */
export interface ActionRetryOptions {
  /** Attempts in all, the first included. Default {@link DEFAULT_ACTION_ATTEMPTS}. */
  attempts?: number;
  /** Backoff cap before the first retry, in ms. Default 200. */
  baseDelayMs?: number;
  /** Longest backoff, in ms. Default 5000. */
  maxDelayMs?: number;
  /** Waits between attempts; default wall-clock sleep. Tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; default Math.random. */
  random?: () => number;
}

/** Attempts of an action within one delivery when AWS throttles or fails transiently. */
export const DEFAULT_ACTION_ATTEMPTS = 4;

/** Error kinds worth another attempt at once: AWS asked us to slow down or had a hiccup. */
const RETRYABLE_KINDS = new Set(['throttled', 'transient', 'server']);

/**
 * Calls `attempt` again, with exponential backoff and full jitter, while it fails with a
 * throttled, transient or server error. Safe because every action is idempotent by contract
 * (safe, check-then-act or token): a repeat reconciles before it changes anything.
 */
export async function runWithRetry<T>(
  attempt: () => Promise<T>,
  options: ActionRetryOptions,
  logger: Logger,
): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_ACTION_ATTEMPTS;
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5000,
    random: options.random,
  };
  for (let number = 1; ; number++) {
    try {
      return await attempt();
    } catch (error) {
      const { kind, code } = classifyError(error);
      if (kind === undefined || !RETRYABLE_KINDS.has(kind)) throw error;
      if (number >= attempts) {
        logger.warn('action retries used up', { attempts, code, kind });
        throw error;
      }
      const delayMs = computeBackoffMs(number, backoff);
      logger.info('action retried', { attempt: number, code, kind, delayMs });
      await (options.sleep ?? sleepMs)(delayMs);
    }
  }
}
