import { createHash } from 'node:crypto';
import type { PlannedChange } from './types.js';

/** A plan and its hash, as approvals and `firebreak plan` show them. */
export interface HashedPlan {
  readonly changes: readonly PlannedChange[];
  /** `sha256:` and the hex digest of {@link toCanonicalJson} of the changes. */
  readonly hash: string;
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function toCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The stable hash of a value: sha256 of its canonical JSON. */
export function hashCanonical(value: unknown): string {
  return `sha256:${createHash('sha256').update(toCanonicalJson(value)).digest('hex')}`;
}

/** A step's changes with their hash. */
export function toHashedPlan(changes: readonly PlannedChange[]): HashedPlan {
  return { changes, hash: hashCanonical(changes) };
}

/** `eni-1: sg-a, sg-b -> sg-quarantine`. */
export function formatChange(change: PlannedChange): string {
  return `${change.resource}: ${change.before} -> ${change.after}`;
}
