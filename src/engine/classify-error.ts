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

const TRANSIENT_CODES = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
]);

/** Codes AWS answers when the caller's policy does not allow the action. */
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
]);

/** The AWS call that failed, as the call recorder saw it: `ec2` and `StopInstances`. */
export interface FailedAwsCall {
  readonly service: string;
  readonly operation: string;
}

/**
 * The IAM action a denial names: from AWS's message (`not authorized to perform: ec2:X`) when
 * it says, else the failed call's service prefix and operation, which is the IAM action for
 * every service firebreak calls.
 */
export function deniedIamAction(
  message: string,
  call: FailedAwsCall | undefined,
): string | undefined {
  const named = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1];
  return named ?? (call === undefined ? undefined : `${call.service}:${call.operation}`);
}

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
export function classifyError(error: unknown, failedCall?: FailedAwsCall): StepError {
  const message = describeError(error);
  if (error instanceof FirebreakError) return { code: error.code, message, kind: 'firebreak' };
  const sdk = (error ?? {}) as SdkErrorShape;
  const code = sdk.name && sdk.name !== 'Error' ? sdk.name : 'STEP_ERROR';
  if (sdk.$retryable?.throttling || THROTTLING_CODES.has(code))
    return { code, message, kind: 'throttled' };
  if (TRANSIENT_CODES.has(code)) return { code, message, kind: 'transient' };
  if (ACCESS_DENIED_CODES.has(code)) {
    const action = deniedIamAction(message, failedCall) ?? 'an IAM action';
    const advice = `AWS denied ${action} (${code}): add ${action} to the policy of firebreak's role (firebreak iam-policy prints it)`;
    return { code, message: `${advice}. AWS said: ${message}`, kind: 'client' };
  }
  if (sdk.$fault === 'server') return { code, message, kind: 'server' };
  return { code, message, kind: 'client' };
}
