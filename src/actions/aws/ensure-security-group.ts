import type { EC2Client, IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../aws/lazy-sdk.js';
import type { ActionContext } from '../types.js';
import { TAG_RUN_ID } from './ec2-snapshot-volumes.js';

/** The rule AWS puts on every new group: all outbound traffic to anywhere over IPv4. */
export const DEFAULT_EGRESS_PERMISSION: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
};

/** All traffic from and to anywhere, IPv4 and IPv6: what makes tracked connections untracked. */
export const ALLOW_ALL_PERMISSION: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
};

/** The rules a firebreak-managed group must have, and nothing else. */
export interface GroupRules {
  readonly ingress: readonly IpPermission[];
  readonly egress: readonly IpPermission[];
}

/** A group found or made by {@link ensureSecurityGroup}. */
export interface EnsuredGroup {
  groupId: string;
  /** Whether the group was created by this run (now or on an earlier delivery). */
  createdByRun: boolean;
  /** Whether this call changed anything. */
  changed: boolean;
}

function isDuplicateGroupError(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidGroup.Duplicate';
}

async function findGroup(
  ec2: EC2Client,
  vpcId: string,
  name: string,
): Promise<SecurityGroup | undefined> {
  const result = await ec2.send(
    new ec2Sdk.DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [name] },
      ],
    }),
  );
  return result.SecurityGroups?.[0];
}

function samePermissions(
  actual: readonly IpPermission[] | undefined,
  wanted: readonly IpPermission[],
) {
  const normalize = (permissions: readonly IpPermission[]) =>
    permissions
      .flatMap((p) => [
        ...(p.IpRanges ?? []).map((r) => `${p.IpProtocol}|${p.FromPort}|${p.ToPort}|${r.CidrIp}`),
        ...(p.Ipv6Ranges ?? []).map(
          (r) => `${p.IpProtocol}|${p.FromPort}|${p.ToPort}|${r.CidrIpv6}`,
        ),
        ...(p.UserIdGroupPairs ?? []).map(
          (r) => `${p.IpProtocol}|${p.FromPort}|${p.ToPort}|${r.GroupId}`,
        ),
        ...(p.PrefixListIds ?? []).map(
          (r) => `${p.IpProtocol}|${p.FromPort}|${p.ToPort}|${r.PrefixListId}`,
        ),
      ])
      .sort()
      .join(',');
  return normalize(actual ?? []) === normalize(wanted);
}

/** Strips what describe adds so a permission can go back into a revoke call. */
function toRevocable(permissions: readonly IpPermission[] | undefined): IpPermission[] {
  return (permissions ?? []).map((p) => ({
    IpProtocol: p.IpProtocol,
    FromPort: p.FromPort,
    ToPort: p.ToPort,
    ...(p.IpRanges?.length ? { IpRanges: p.IpRanges.map((r) => ({ CidrIp: r.CidrIp })) } : {}),
    ...(p.Ipv6Ranges?.length
      ? { Ipv6Ranges: p.Ipv6Ranges.map((r) => ({ CidrIpv6: r.CidrIpv6 })) }
      : {}),
    ...(p.UserIdGroupPairs?.length
      ? { UserIdGroupPairs: p.UserIdGroupPairs.map((r) => ({ GroupId: r.GroupId })) }
      : {}),
    ...(p.PrefixListIds?.length
      ? { PrefixListIds: p.PrefixListIds.map((r) => ({ PrefixListId: r.PrefixListId })) }
      : {}),
  }));
}

async function setRules(ec2: EC2Client, group: SecurityGroup, rules: GroupRules): Promise<boolean> {
  const groupId = group.GroupId;
  let changed = false;
  if (!samePermissions(group.IpPermissions, rules.ingress)) {
    if (group.IpPermissions?.length) {
      await ec2.send(
        new ec2Sdk.RevokeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: toRevocable(group.IpPermissions),
        }),
      );
    }
    if (rules.ingress.length) {
      await ec2.send(
        new ec2Sdk.AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [...rules.ingress],
        }),
      );
    }
    changed = true;
  }
  if (!samePermissions(group.IpPermissionsEgress, rules.egress)) {
    if (group.IpPermissionsEgress?.length) {
      await ec2.send(
        new ec2Sdk.RevokeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: toRevocable(group.IpPermissionsEgress),
        }),
      );
    }
    if (rules.egress.length) {
      await ec2.send(
        new ec2Sdk.AuthorizeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [...rules.egress],
        }),
      );
    }
    changed = true;
  }
  return changed;
}

/**
 * Finds the group called `name` in the VPC, or creates it, and makes its rules exactly
 * `rules` (a new group's default egress rule is revoked when `rules` has none). Check-then-act:
 * a second call finds the group as the first left it and changes nothing.
 */
export async function ensureSecurityGroup(
  ec2: EC2Client,
  context: ActionContext,
  options: { vpcId: string; name: string; description: string; purpose: string; rules: GroupRules },
): Promise<EnsuredGroup> {
  let group = await findGroup(ec2, options.vpcId, options.name);
  let created = false;
  if (group === undefined) {
    try {
      const result = await ec2.send(
        new ec2Sdk.CreateSecurityGroupCommand({
          GroupName: options.name,
          Description: options.description,
          VpcId: options.vpcId,
          TagSpecifications: [
            {
              ResourceType: 'security-group',
              Tags: [
                { Key: 'firebreak:purpose', Value: options.purpose },
                { Key: TAG_RUN_ID, Value: context.runId },
              ],
            },
          ],
        }),
      );
      created = true;
      // A new group carries AWS's default egress rule and no ingress rule.
      group = {
        GroupId: result.GroupId,
        IpPermissions: [],
        IpPermissionsEgress: [DEFAULT_EGRESS_PERMISSION],
      };
    } catch (error) {
      // Another step made it between our describe and create: use theirs.
      if (!isDuplicateGroupError(error)) throw error;
      group = await findGroup(ec2, options.vpcId, options.name);
      if (group === undefined) throw error;
    }
  }
  const rulesChanged = await setRules(ec2, group, options.rules);
  const tags = group.Tags ?? [];
  const createdByRun =
    created || tags.some((t) => t.Key === TAG_RUN_ID && t.Value === context.runId);
  return { groupId: group.GroupId ?? '', createdByRun, changed: created || rulesChanged };
}
