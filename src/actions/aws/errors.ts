import { FirebreakError, type FirebreakErrorOptions } from '../../shared/index.js';

/**
 * Stable codes of {@link AwsActionError}:
 * - `AWS_INSTANCE_NOT_FOUND`: a describe call answered without the instance asked for.
 * - `AWS_INSTANCE_TERMINATED`: the instance is gone; there is nothing left to contain.
 * - `AWS_INSTANCE_NOT_IN_VPC`: EC2-Classic style instance without a VPC; groups cannot change.
 * - `AWS_RESTORE_MISMATCH`: the interfaces to restore are not the instance's interfaces.
 */
export type AwsActionErrorCode =
  | 'AWS_INSTANCE_NOT_FOUND'
  | 'AWS_INSTANCE_TERMINATED'
  | 'AWS_INSTANCE_NOT_IN_VPC'
  | 'AWS_RESTORE_MISMATCH';

/** A failure an AWS action detects itself (AWS's own errors pass through as the SDK threw them). */
export class AwsActionError extends FirebreakError {
  declare readonly code: AwsActionErrorCode;

  constructor(code: AwsActionErrorCode, message: string, options: FirebreakErrorOptions = {}) {
    super(code, message, options);
  }
}
