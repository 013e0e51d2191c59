/**
 * The state of a simulated account. Plain JSON (times are ISO strings), so that
 * `SimulatedAccount.snapshot()` can hand out deep copies that compare with `toEqual`.
 */
export interface SimulatedAccountState {
  accountId: string;
  region: string;
  vpcs: SimulatedVpc[];
  subnets: SimulatedSubnet[];
  securityGroups: SimulatedSecurityGroup[];
  instances: SimulatedInstance[];
  networkInterfaces: SimulatedNetworkInterface[];
  volumes: SimulatedVolume[];
  snapshots: SimulatedSnapshot[];
  networkAcls: SimulatedNetworkAcl[];
  topics: SimulatedTopic[];
  publishedMessages: SimulatedPublishedMessage[];
  autoScalingGroups: SimulatedAutoScalingGroup[];
  iam: { users: SimulatedIamUser[]; roles: SimulatedIamRole[] };
  alarms: SimulatedAlarm[];
  metrics: SimulatedMetric[];
  /** GuardDuty and Security Hub findings, in seed order. */
  findings: SimulatedFinding[];
}

/** Resource tags, key to value. */
export type SimulatedTags = Record<string, string>;

/** A VPC. */
export interface SimulatedVpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: SimulatedTags;
}

/** A subnet. */
export interface SimulatedSubnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  tags: SimulatedTags;
}

/**
 * One security group rule, as AWS stores it since rule ids exist: one peer per rule.
 * `protocol` is `-1` (all), `tcp`, `udp`, `icmp` or an IP protocol number.
 */
export interface SimulatedRule {
  ruleId: string;
  protocol: string;
  /** Absent for protocol `-1`. */
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  sourceGroupId?: string;
  description?: string;
}

/** A security group with its rules. */
export interface SimulatedSecurityGroup {
  groupId: string;
  groupName: string;
  vpcId: string;
  description: string;
  ingress: SimulatedRule[];
  egress: SimulatedRule[];
  tags: SimulatedTags;
}

/** EC2 instance lifecycle states. */
export type SimulatedInstanceStateName =
  'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/** An EC2 instance; its interfaces and volumes are separate resources, as in AWS. */
export interface SimulatedInstance {
  instanceId: string;
  instanceType: string;
  state: SimulatedInstanceStateName;
  vpcId: string;
  subnetId: string;
  imageId: string;
  launchTime: string;
  /** `DisableApiTermination`. */
  terminationProtection: boolean;
  /** What `GetConsoleOutput` returns (AWS sends it base64-encoded). */
  consoleOutput: string;
  tags: SimulatedTags;
}

/** An elastic network interface and the instance it is attached to. */
export interface SimulatedNetworkInterface {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  privateIpAddress: string;
  groupIds: string[];
  attachment?: { instanceId: string; deviceIndex: number };
  tags: SimulatedTags;
  /** Flows through the interface, to model security group connection tracking. */
  connections: SimulatedConnection[];
}

/**
 * A flow through a network interface. AWS tracks a flow unless the interface's groups allow
 * all traffic from and to anywhere; a tracked flow survives the removal of the rule that let it
 * in, an untracked one is cut as soon as no rule allows it.
 * See https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
 */
export interface SimulatedConnection {
  connectionId: string;
  /** `tcp`, `udp` or `icmp`. */
  protocol: string;
  /** The server port: local for inbound flows, remote for outbound ones. */
  port: number;
  remoteAddress: string;
  direction: 'inbound' | 'outbound';
  state: 'tracked' | 'untracked' | 'closed';
}

/** A network ACL entry; rule 32767 is AWS's catch-all `*` deny. */
export interface SimulatedNetworkAclEntry {
  ruleNumber: number;
  egress: boolean;
  protocol: string;
  ruleAction: 'allow' | 'deny';
  cidrBlock: string;
  fromPort?: number;
  toPort?: number;
}

/** A network ACL and the subnets it guards. */
export interface SimulatedNetworkAcl {
  networkAclId: string;
  vpcId: string;
  isDefault: boolean;
  subnetIds: string[];
  entries: SimulatedNetworkAclEntry[];
  tags: SimulatedTags;
}

/** An Auto Scaling group and its members. */
export interface SimulatedAutoScalingGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: { instanceId: string; lifecycleState: 'InService' | 'Standby' }[];
}

/** An IAM access key. */
export interface SimulatedAccessKey {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** An IAM user. Inline policies are JSON documents by name. */
export interface SimulatedIamUser {
  userName: string;
  userId: string;
  accessKeys: SimulatedAccessKey[];
  loginProfile?: { createDate: string; passwordResetRequired: boolean };
  inlinePolicies: Record<string, string>;
  attachedPolicyArns: string[];
}

/** An IAM role. */
export interface SimulatedIamRole {
  roleName: string;
  roleId: string;
  inlinePolicies: Record<string, string>;
  attachedPolicyArns: string[];
}

/** A CloudWatch metric alarm, single-metric or metric math. */
export interface SimulatedAlarm {
  alarmName: string;
  alarmDescription?: string;
  stateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason: string;
  stateUpdatedTimestamp: string;
  comparisonOperator: string;
  threshold: number;
  evaluationPeriods: number;
  /** Single-metric alarms. */
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  statistic?: string;
  periodSeconds?: number;
  /** Metric-math alarms: `MetricDataQuery` shapes, as AWS stores them. */
  metrics?: SimulatedAlarmQuery[];
}

/** One query of a metric-math alarm. */
export interface SimulatedAlarmQuery {
  id: string;
  expression?: string;
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    stat: string;
    periodSeconds: number;
  };
  returnData: boolean;
  label?: string;
}

/** Data points of one metric. */
export interface SimulatedMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  datapoints: { timestamp: string; value: number }[];
}

/** An EBS volume and its attachment. */
export interface SimulatedVolume {
  volumeId: string;
  sizeGiB: number;
  volumeType: string;
  availabilityZone: string;
  createTime: string;
  attachment?: { instanceId: string; deviceName: string; deleteOnTermination: boolean };
  tags: SimulatedTags;
}

/** An EBS snapshot. Simulated snapshots complete at once. */
export interface SimulatedSnapshot {
  snapshotId: string;
  volumeId: string;
  volumeSizeGiB: number;
  description: string;
  startTime: string;
  state: 'completed';
  tags: SimulatedTags;
}

/** An SNS topic. */
export interface SimulatedTopic {
  topicArn: string;
  tags: SimulatedTags;
}

/** A message published to a simulated SNS topic. */
export interface SimulatedPublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  timestamp: string;
}

/** A GuardDuty or Security Hub finding. */
export type SimulatedFinding = SimulatedGuardDutyFinding | SimulatedSecurityHubFinding;

/**
 * A GuardDuty finding. The account's detectors are the ones its findings name.
 * See https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html
 */
export interface SimulatedGuardDutyFinding {
  source: 'guardduty';
  detectorId: string;
  findingId: string;
  /** e.g. `CryptoCurrency:EC2/BitcoinTool.B!DNS`. */
  type: string;
  /** 0 to 10, as GuardDuty reports it. */
  severity: number;
  title: string;
  description: string;
  /** e.g. `Instance`, `AccessKey`, `S3Bucket`. */
  resourceType: string;
  /** The instance an `Instance` finding is about. */
  instanceId?: string;
  /** `Service.Archived`: set by ArchiveFindings, cleared by UnarchiveFindings. */
  archived: boolean;
  /** `Service.Count`: how many times GuardDuty saw the activity. */
  count: number;
  createdAt: string;
  updatedAt: string;
}

/** Security Hub's workflow states of a finding. */
export type SimulatedWorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

/** Security Hub's severity labels. */
export type SimulatedSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/**
 * A Security Hub finding in the AWS Security Finding Format, the fields firebreak reads. Its
 * identity is `findingId` (ASFF `Id`) with `productArn`.
 * See https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html
 */
export interface SimulatedSecurityHubFinding {
  source: 'securityhub';
  findingId: string;
  productArn: string;
  generatorId: string;
  /** ASFF `Types`, e.g. `Software and Configuration Checks/AWS Security Best Practices`. */
  types: string[];
  title: string;
  description: string;
  severityLabel: SimulatedSeverityLabel;
  /** Set by the finding's provider; BatchUpdateFindings cannot change it. */
  recordState: 'ACTIVE' | 'ARCHIVED';
  /** `Workflow.Status`: what BatchUpdateFindings changes. */
  workflowStatus: SimulatedWorkflowStatus;
  resources: { type: string; id: string }[];
  /** The last `Note` BatchUpdateFindings set. */
  note?: { text: string; updatedBy: string; updatedAt: string };
  createdAt: string;
  /** The provider's last update; BatchUpdateFindings leaves it alone, as AWS does. */
  updatedAt: string;
}
