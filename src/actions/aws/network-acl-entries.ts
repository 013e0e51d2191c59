import type { EC2Client, NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { AwsActionError } from './errors.js';

/** Highest rule number a caller may use; 32767 is AWS's catch-all deny. */
export const MAX_NETWORK_ACL_RULE_NUMBER = 32766;

/** The network ACL associated with a subnet (every subnet has exactly one). */
export async function findSubnetAcl(ec2: EC2Client, subnetId: string): Promise<NetworkAcl> {
  const filters = [{ Name: 'association.subnet-id', Values: [subnetId] }];
  const result = await ec2.send(new ec2Sdk.DescribeNetworkAclsCommand({ Filters: filters }));
  const acl = result.NetworkAcls?.[0];
  if (acl?.NetworkAclId === undefined) {
    throw new AwsActionError(
      'AWS_NETWORK_ACL_NOT_FOUND',
      `no network ACL is associated with subnet ${subnetId}; check the subnet id and the region`,
    );
  }
  return acl;
}

/** Whether an entry denies all traffic from (or to) exactly `cidrBlock`. */
export function isDenyAllFrom(entry: NetworkAclEntry, cidrBlock: string, egress: boolean) {
  return (
    entry.Egress === egress &&
    entry.RuleAction === 'deny' &&
    entry.Protocol === '-1' &&
    entry.CidrBlock === cidrBlock
  );
}

/**
 * The lowest free rule number below the first allow rule of the direction, so that the deny is
 * evaluated before anything that would let the address in (ACLs stop at the first match).
 */
export function findFreeRuleNumber(acl: NetworkAcl, egress: boolean): number | undefined {
  const entries = (acl.Entries ?? []).filter((e) => e.Egress === egress);
  const used = new Set(entries.map((e) => e.RuleNumber));
  const allows = entries.filter((e) => e.RuleAction === 'allow').map((e) => e.RuleNumber ?? 0);
  const limit = Math.min(MAX_NETWORK_ACL_RULE_NUMBER + 1, ...allows);
  for (let number = 1; number < limit; number++) {
    if (!used.has(number)) return number;
  }
  return undefined;
}

/** `ingress` or `egress`, for messages and plans. */
export function directionOf(egress: boolean): string {
  return egress ? 'egress' : 'ingress';
}
