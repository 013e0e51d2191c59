import type { EC2Client, NetworkInterface } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';

/** The network interfaces attached to an instance, primary first, with their tags. */
export async function describeInstanceInterfaces(
  ec2: EC2Client,
  instanceId: string,
): Promise<NetworkInterface[]> {
  const result = await ec2.send(
    new ec2Sdk.DescribeNetworkInterfacesCommand({
      Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }],
    }),
  );
  return [...(result.NetworkInterfaces ?? [])].sort(
    (a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0),
  );
}

/** The security group ids of an interface, in AWS's order. */
export function groupIdsOf(eni: NetworkInterface): string[] {
  return (eni.Groups ?? []).flatMap((g) => (g.GroupId === undefined ? [] : [g.GroupId]));
}
