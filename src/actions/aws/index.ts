import type { AnyActionDefinition } from '../types.js';
import { ec2DescribeInstance } from './ec2-describe-instance.js';
import { ec2IsolateInstance } from './ec2-isolate-instance.js';
import { ec2RestoreInstanceNetwork } from './ec2-restore-instance-network.js';
import { ec2SnapshotVolumes } from './ec2-snapshot-volumes.js';
import { snsPublish } from './sns-publish.js';

export {
  ec2DescribeInstance,
  ec2IsolateInstance,
  ec2RestoreInstanceNetwork,
  ec2SnapshotVolumes,
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
export type { InterfaceGroups } from './aws-input-schemas.js';
export { AwsActionError } from './errors.js';
export type { AwsActionErrorCode } from './errors.js';

/** Every AWS action, as the action registry takes them. */
export const awsActions: readonly AnyActionDefinition[] = [
  ec2DescribeInstance,
  ec2SnapshotVolumes,
  ec2IsolateInstance,
  ec2RestoreInstanceNetwork,
  snsPublish,
];
