import type { AnyActionDefinition } from '../types.js';
import { cloudWatchDescribeAlarm } from './cloudwatch-describe-alarm.js';
import { cloudWatchGetAlarmMetricData } from './cloudwatch-get-alarm-metric-data.js';
import { ec2BlockAddressInNetworkAcl } from './ec2-block-address-in-network-acl.js';
import { ec2DescribeInstance } from './ec2-describe-instance.js';
import { ec2DisableTerminationProtection } from './ec2-disable-termination-protection.js';
import { ec2EnableTerminationProtection } from './ec2-enable-termination-protection.js';
import { ec2GetConsoleOutput } from './ec2-get-console-output.js';
import { ec2IsolateInstance } from './ec2-isolate-instance.js';
import { ec2RestoreInstanceNetwork } from './ec2-restore-instance-network.js';
import { ec2RestoreTags } from './ec2-restore-tags.js';
import { ec2SnapshotVolumes } from './ec2-snapshot-volumes.js';
import { ec2StartInstance } from './ec2-start-instance.js';
import { ec2StopInstance } from './ec2-stop-instance.js';
import { ec2TagResource } from './ec2-tag-resource.js';
import { ec2UnblockAddressInNetworkAcl } from './ec2-unblock-address-in-network-acl.js';
import { guardDutyGetFinding } from './guardduty-get-finding.js';
import { iamAttachQuarantinePolicy } from './iam-attach-quarantine-policy.js';
import { iamDeactivateAccessKeys } from './iam-deactivate-access-keys.js';
import { iamDetachQuarantinePolicy } from './iam-detach-quarantine-policy.js';
import { iamDisableConsoleLogin } from './iam-disable-console-login.js';
import { iamEnableConsoleLogin } from './iam-enable-console-login.js';
import { iamReactivateAccessKeys } from './iam-reactivate-access-keys.js';
import { iamRestoreSessions } from './iam-restore-sessions.js';
import { iamRevokeSessions } from './iam-revoke-sessions.js';
import { securityHubGetFinding } from './securityhub-get-finding.js';
import { snsPublish } from './sns-publish.js';

export {
  cloudWatchDescribeAlarm,
  cloudWatchGetAlarmMetricData,
  ec2BlockAddressInNetworkAcl,
  ec2DescribeInstance,
  ec2DisableTerminationProtection,
  ec2EnableTerminationProtection,
  ec2GetConsoleOutput,
  ec2IsolateInstance,
  ec2RestoreInstanceNetwork,
  ec2RestoreTags,
  ec2SnapshotVolumes,
  ec2StartInstance,
  ec2StopInstance,
  ec2TagResource,
  ec2UnblockAddressInNetworkAcl,
  guardDutyGetFinding,
  iamAttachQuarantinePolicy,
  iamDeactivateAccessKeys,
  iamDetachQuarantinePolicy,
  iamDisableConsoleLogin,
  iamEnableConsoleLogin,
  iamReactivateAccessKeys,
  iamRestoreSessions,
  iamRevokeSessions,
  securityHubGetFinding,
  snsPublish,
};
export type {
  RestoreInstanceNetworkInput,
  RestoreInstanceNetworkOutput,
} from './ec2-restore-instance-network.js';
export { TAG_PREVIOUS_AUTO_SCALING } from './leave-auto-scaling-group.js';
export type { AutoScalingPrior } from './leave-auto-scaling-group.js';
export type { DescribeInstanceInput, DescribeInstanceOutput } from './ec2-describe-instance.js';
export type { IsolateInstanceInput, IsolateInstanceOutput } from './ec2-isolate-instance.js';
export {
  DEFAULT_QUARANTINE_GROUP_NAME,
  QUARANTINE_TAGS,
  TAG_PREVIOUS_GROUPS,
} from './ec2-isolate-instance.js';
export type { SnapshotVolumesInput, SnapshotVolumesOutput } from './ec2-snapshot-volumes.js';
export { TAG_RUN_ID, TAG_STEP_ID } from './ec2-snapshot-volumes.js';
export type { SnsPublishInput, SnsPublishOutput } from './sns-publish.js';
export { IDEMPOTENCY_ATTRIBUTE } from './sns-publish.js';
export type {
  EnableTerminationProtectionInput,
  EnableTerminationProtectionOutput,
} from './ec2-enable-termination-protection.js';
export type {
  DisableTerminationProtectionInput,
  DisableTerminationProtectionOutput,
} from './ec2-disable-termination-protection.js';
export type { StopInstanceInput, StopInstanceOutput } from './ec2-stop-instance.js';
export type { StartInstanceInput, StartInstanceOutput } from './ec2-start-instance.js';
export type { GetConsoleOutputInput, GetConsoleOutputOutput } from './ec2-get-console-output.js';
export { MAX_CONSOLE_OUTPUT_CHARS } from './ec2-get-console-output.js';
export type { TagResourceInput, TagResourceOutput } from './ec2-tag-resource.js';
export type { RestoreTagsInput, RestoreTagsOutput } from './ec2-restore-tags.js';
export type { TagValues } from './resource-tags.js';
export type {
  BlockAddressInNetworkAclInput,
  BlockAddressInNetworkAclOutput,
} from './ec2-block-address-in-network-acl.js';
export type {
  UnblockAddressInNetworkAclInput,
  UnblockAddressInNetworkAclOutput,
} from './ec2-unblock-address-in-network-acl.js';
export type {
  DeactivateAccessKeysInput,
  DeactivateAccessKeysOutput,
} from './iam-deactivate-access-keys.js';
export type {
  ReactivateAccessKeysInput,
  ReactivateAccessKeysOutput,
} from './iam-reactivate-access-keys.js';
export type { RevokeSessionsInput, RevokeSessionsOutput } from './iam-revoke-sessions.js';
export { REVOKE_SESSIONS_POLICY_NAME } from './iam-revoke-sessions.js';
export type { RestoreSessionsInput, RestoreSessionsOutput } from './iam-restore-sessions.js';
export type {
  AttachQuarantinePolicyInput,
  AttachQuarantinePolicyOutput,
} from './iam-attach-quarantine-policy.js';
export { DENY_ALL_POLICY_ARN } from './iam-attach-quarantine-policy.js';
export type {
  DetachQuarantinePolicyInput,
  DetachQuarantinePolicyOutput,
} from './iam-detach-quarantine-policy.js';
export type {
  DisableConsoleLoginInput,
  DisableConsoleLoginOutput,
} from './iam-disable-console-login.js';
export type {
  EnableConsoleLoginInput,
  EnableConsoleLoginOutput,
} from './iam-enable-console-login.js';
export type { DescribeAlarmInput, DescribeAlarmOutput } from './cloudwatch-describe-alarm.js';
export type {
  GetAlarmMetricDataInput,
  GetAlarmMetricDataOutput,
  MetricSeries,
} from './cloudwatch-get-alarm-metric-data.js';
export type {
  GetGuardDutyFindingInput,
  GetGuardDutyFindingOutput,
} from './guardduty-get-finding.js';
export type {
  GetSecurityHubFindingInput,
  GetSecurityHubFindingOutput,
} from './securityhub-get-finding.js';
export type { InterfaceGroups, IamPrincipal } from './aws-input-schemas.js';
export { AwsActionError } from './errors.js';
export type { AwsActionErrorCode } from './errors.js';

/** Every AWS action, as the action registry takes them. */
export const awsActions: readonly AnyActionDefinition[] = [
  ec2DescribeInstance,
  ec2SnapshotVolumes,
  ec2IsolateInstance,
  ec2RestoreInstanceNetwork,
  ec2EnableTerminationProtection,
  ec2DisableTerminationProtection,
  ec2StopInstance,
  ec2StartInstance,
  ec2GetConsoleOutput,
  ec2TagResource,
  ec2RestoreTags,
  ec2BlockAddressInNetworkAcl,
  ec2UnblockAddressInNetworkAcl,
  iamDeactivateAccessKeys,
  iamReactivateAccessKeys,
  iamRevokeSessions,
  iamRestoreSessions,
  iamAttachQuarantinePolicy,
  iamDetachQuarantinePolicy,
  iamDisableConsoleLogin,
  iamEnableConsoleLogin,
  cloudWatchDescribeAlarm,
  cloudWatchGetAlarmMetricData,
  guardDutyGetFinding,
  securityHubGetFinding,
  snsPublish,
];
