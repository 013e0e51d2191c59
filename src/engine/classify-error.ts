import { FirebreakError, describeError } from '../shared/index.js';
import type { StepError } from './run-state.js';

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const TRANSIENT_CODES = new Set(['RequestTimeout', 'RequestTimeoutException', 'TimeoutError', 'ECONNRESET']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
}

/**
 * Sorts a failure into throttled, transient, server or client (AWS, from the SDK's `$fault`,
 * `$retryable` and error name) or firebreak (our own checks), keeping the AWS error code.
 */
export function classifyError(error: unknown): StepError {
  const message = describeError(error);
  if (error instanceof FirebreakError) return { code: error.code, message, kind: 'firebreak' };
  const sdk = (error ?? {}) as SdkErrorShape;
  const code = sdk.name && sdk.name !== 'Error' ? sdk.name : 'STEP_ERROR';
  if (sdk.$retryable?.throttling || THROTTLING_CODES.has(code)) return { code, message, kind: 'throttled' };
  if (TRANSIENT_CODES.has(code)) return { code, message, kind: 'transient' };
  if (sdk.$fault === 'server') return { code, message, kind: 'server' };
  return { code, message, kind: 'client' };
}
