import { FirebreakError, type FirebreakErrorOptions } from '../../shared/index.js';

/**
 * Stable codes of {@link AwsActionError}:
 * - `AWS_INSTANCE_NOT_FOUND`: a describe call answered without the instance asked for.
 * - `AWS_INSTANCE_TERMINATED`: the instance is gone; there is nothing left to contain.
 * - `AWS_INSTANCE_NOT_IN_VPC`: EC2-Classic style instance without a VPC; groups cannot change.
 * - `AWS_RESTORE_MISMATCH`: the interfaces to restore are not the instance's interfaces.
 * - `AWS_NETWORK_ACL_NOT_FOUND`: no network ACL is associated with the subnet.
 * - `AWS_NETWORK_ACL_FULL`: no free rule number sits before the ACL's first allow rule.
 * - `AWS_NETWORK_ACL_MISMATCH`: the rule to remove is not the one the block added.
 * - `AWS_ALARM_NOT_FOUND`: DescribeAlarms answered without the alarm asked for.
 * - `AWS_ACCESS_KEY_NOT_FOUND`: the user has no access key with the id asked for.
 */
export type AwsActionErrorCode =
  | 'AWS_INSTANCE_NOT_FOUND'
  | 'AWS_INSTANCE_TERMINATED'
  | 'AWS_INSTANCE_NOT_IN_VPC'
  | 'AWS_RESTORE_MISMATCH'
  | 'AWS_NETWORK_ACL_NOT_FOUND'
  | 'AWS_NETWORK_ACL_FULL'
  | 'AWS_NETWORK_ACL_MISMATCH'
  | 'AWS_ALARM_NOT_FOUND'
  | 'AWS_ACCESS_KEY_NOT_FOUND';

/** A failure an AWS action detects itself (AWS's own errors pass through as the SDK threw them). */
export class AwsActionError extends FirebreakError {
  declare readonly code: AwsActionErrorCode;

  constructor(code: AwsActionErrorCode, message: string, options: FirebreakErrorOptions = {}) {
    super(code, message, options);
  }
}
