import { randomBytes } from 'node:crypto';

/** A new run id: `run-` and 12 hex digits, short enough to type in Slack. */
export function createRunId(): string {
  return `run-${randomBytes(6).toString('hex')}`;
}

/** A deterministic id generator for exercises and tests: `prefix-000001`, `prefix-000002`... */
export function createSequentialIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(6, '0')}`;
}
