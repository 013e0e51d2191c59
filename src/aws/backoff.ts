/** Options of {@link computeBackoffMs}. */
export interface BackoffOptions {
  /** Delay cap before the second attempt, in ms; doubles each attempt. */
  baseDelayMs: number;
  /** Longest delay, in ms. */
  maxDelayMs: number;
  /** A number in [0, 1); default Math.random. Injected for deterministic tests. */
  random?: () => number;
}

/**
 * The delay before retry number `retry` (1 for the first retry): exponential backoff with
 * "full jitter", a random delay between 0 and `min(max, base * 2^(retry-1))`, as AWS's
 * builders' library recommends so that throttled callers do not retry in step.
 * https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
export function computeBackoffMs(retry: number, options: BackoffOptions): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(cap * (options.random ?? Math.random)());
}

/** Waits `ms` milliseconds of wall time. */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
