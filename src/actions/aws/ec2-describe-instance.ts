import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, instanceIdSchema } from './aws-input-schemas.js';
import { findInstance, toTagRecord } from './find-instance.js';

const inputSchema = z.strictObject({ instanceId: instanceIdSchema, ...awsStepFields });

/** Input of `aws.ec2.describeInstance`. */
export type DescribeInstanceInput = z.output<typeof inputSchema>;

/** What `aws.ec2.describeInstance` reports about an instance. */
export interface DescribeInstanceOutput {
  instanceId: string;
  /** `running`, `stopped`, ... */
  state: string;
  vpcId?: string;
  subnetId?: string;
  instanceType?: string;
  privateIpAddress?: string;
  tags: Record<string, string>;
  /** Every interface, primary first, with its security groups. */
  networkInterfaces: { networkInterfaceId: string; securityGroupIds: string[] }[];
  /** Attached EBS volumes in device order. */
  volumeIds: string[];
  /** From the `aws:autoscaling:groupName` tag that Auto Scaling puts on its instances. */
  autoScalingGroupName?: string;
}

/**
 * `aws.ec2.describeInstance`: the facts a responder needs first. Read-only, so a second
 * delivery is harmless.
 */
export const ec2DescribeInstance: ActionDefinition<DescribeInstanceInput, DescribeInstanceOutput> =
  {
    id: 'aws.ec2.describeInstance',
    summary: 'Describe an EC2 instance: state, network interfaces and groups, volumes, tags',
    input: inputSchema,
    iamActions: ['ec2:DescribeInstances'],
    mutating: false,
    idempotency: 'safe',

    async run(input, context) {
      const instance = await findInstance(context.aws.ec2(), input.instanceId);
      const tags = toTagRecord(instance.Tags);
      const interfaces = [...(instance.NetworkInterfaces ?? [])].sort(
        (a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0),
      );
      const autoScalingGroupName = tags['aws:autoscaling:groupName'];
      return {
        instanceId: input.instanceId,
        state: instance.State?.Name ?? 'unknown',
        vpcId: instance.VpcId,
        subnetId: instance.SubnetId,
        instanceType: instance.InstanceType,
        privateIpAddress: instance.PrivateIpAddress,
        tags,
        networkInterfaces: interfaces.map((eni) => ({
          networkInterfaceId: eni.NetworkInterfaceId ?? '',
          securityGroupIds: (eni.Groups ?? []).map((g) => g.GroupId ?? ''),
        })),
        volumeIds: (instance.BlockDeviceMappings ?? []).flatMap((m) =>
          m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : [],
        ),
        ...(autoScalingGroupName === undefined ? {} : { autoScalingGroupName }),
      };
    },
  };
