import { AsyncLocalStorage } from 'node:async_hooks';
import type { AwsCallRecorder } from './clients.js';

/** Strings longer than this are cut in recorded parameters. */
export const MAX_RECORDED_STRING_LENGTH = 200;
/** Arrays keep this many items in recorded parameters; the rest are counted. */
export const MAX_RECORDED_ARRAY_ITEMS = 10;
/** Objects nested deeper than this are summarised in recorded parameters. */
export const MAX_RECORDED_DEPTH = 4;

/** Parameter names whose values never reach a record. */
const REDACTED_KEYS = new Set([
  'Password',
  'OldPassword',
  'NewPassword',
  'SecretAccessKey',
  'SessionToken',
]);

const recorderStorage = new AsyncLocalStorage<AwsCallRecorder>();

/**
 * Runs `fn` with `recorder` receiving every AWS call made by clients from `createAwsClients`
 * inside it, across awaits (AsyncLocalStorage). The step runner wraps each action in this.
 */
export function withAwsCallRecorder<T>(
  recorder: AwsCallRecorder,
  fn: () => Promise<T>,
): Promise<T> {
  return recorderStorage.run(recorder, fn);
}

/** The recorder of the current async scope, if any. */
export function getCurrentAwsCallRecorder(): AwsCallRecorder | undefined {
  return recorderStorage.getStore();
}

function summarizeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.length <= MAX_RECORDED_STRING_LENGTH) return value;
    return `${value.slice(0, MAX_RECORDED_STRING_LENGTH - 1)}…`;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) {
    if (depth >= MAX_RECORDED_DEPTH) return `[${value.length} items]`;
    const kept = value
      .slice(0, MAX_RECORDED_ARRAY_ITEMS)
      .map((item) => summarizeValue(item, depth + 1));
    const more = value.length - kept.length;
    return more > 0 ? [...kept, `…(+${more} more)`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    if (depth >= MAX_RECORDED_DEPTH) return '[object]';
    return summarizeObject(value as Record<string, unknown>, depth + 1);
  }
  return value;
}

function summarizeObject(input: Record<string, unknown>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    result[key] = REDACTED_KEYS.has(key) ? '[redacted]' : summarizeValue(value, depth);
  }
  return result;
}

/**
 * The key parameters of an SDK command input for the audit log: long strings cut to
 * {@link MAX_RECORDED_STRING_LENGTH} characters, long arrays and deep objects summarised,
 * secrets redacted.
 */
export function summarizeAwsParams(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object') return {};
  return summarizeObject(input as Record<string, unknown>, 0);
}

/** AWS's error code of a failed call: the SDK exception's `name`, or `Code` when modeled. */
export function awsErrorCodeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { Code?: unknown }).Code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'UnknownError';
}
