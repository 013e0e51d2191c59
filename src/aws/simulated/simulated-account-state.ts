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
  topics: SimulatedTopic[];
  publishedMessages: SimulatedPublishedMessage[];
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
