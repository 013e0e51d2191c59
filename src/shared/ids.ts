import { randomUUID } from 'node:crypto';

/** A new run id: `run-` and 12 hex digits, short enough to type in Slack. */
export function createRunId(): string {
  // randomUUID draws from a cached entropy pool; its first 12 hex digits are all random.
  const uuid = randomUUID();
  return `run-${uuid.slice(0, 8)}${uuid.slice(9, 13)}`;
}

/** A deterministic id generator for exercises and tests: `prefix-000001`, `prefix-000002`... */
export function createSequentialIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(6, '0')}`;
}

/**
 * Tokens unique across processes and restarts (a random part drawn once, then a count), for
 * telling one write or delivery from another: cheaper than drawing random bytes each time.
 */
export function createUniqueTokens(): () => string {
  const nonce = randomUUID().slice(0, 8);
  let count = 0;
  return () => `${nonce}.${(count++).toString(36)}`;
}
