import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
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
  guardDuty(): GuardDutyClient;
  securityHub(): SecurityHubClient;
  /**
   * Clients for one run step: in the step's region and, when a role to assume is configured
   * for the runbook or account, under that role with the run, step and requester as session
   * tags. Absent on hand-built clients (tests); callers then use these clients as they are.
   */
  forScope?(scope: AwsClientScope): AwsClients;
}

/** Who and where one step's AWS calls are for. */
export interface AwsClientScope {
  readonly runId: string;
  readonly stepId: string;
  readonly runbookId: string;
  /** Who asked for the run: set as source identity and session tag. */
  readonly requester: string;
  /** The step's region (`with.region`, else the run's `region` input); default the clients'. */
  readonly region?: string;
  /** The account to act in (the run's `accountId` input), to pick a role per account. */
  readonly accountId?: string;
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
