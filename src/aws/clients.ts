import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SNSClient } from '@aws-sdk/client-sns';

/** The AWS SDK v3 clients an action may use; real or wired to the simulated account. */
export interface AwsClients {
  /** True when every call goes to the simulated account, never to AWS. */
  readonly simulated: boolean;
  readonly region: string;
  ec2(): EC2Client;
  sns(): SNSClient;
  iam(): IAMClient;
  cloudWatch(): CloudWatchClient;
  autoScaling(): AutoScalingClient;
}

/** One AWS API call, as the audit log records it. */
export interface AwsCallRecord {
  readonly service: string;
  readonly operation: string;
  /** Key parameters: ids and short scalars; long strings are cut. */
  readonly params: Record<string, unknown>;
  readonly simulated: boolean;
  /** AWS error name when the call failed, e.g. `InvalidInstanceID.NotFound`. */
  readonly errorCode?: string;
}

/** Receives every AWS call made inside the current step. */
export type AwsCallRecorder = (record: AwsCallRecord) => void;
