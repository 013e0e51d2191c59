import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedRule } from './simulated-account-state.js';

/** A rule before it has an id. */
export type RuleSpec = Omit<SimulatedRule, 'ruleId'>;

const PROTOCOL_NAMES: Record<string, string> = { all: '-1', '6': 'tcp', '17': 'udp', '1': 'icmp' };

/** AWS's canonical protocol: `-1`, `tcp`, `udp`, `icmp` or a number. */
export function normalizeProtocol(protocol: string | undefined): string {
  const lower = (protocol ?? '').toLowerCase();
  if (lower === '')
    throw awsError('MissingParameter', 'The request must contain the parameter ipProtocol');
  return PROTOCOL_NAMES[lower] ?? lower;
}

/** Fills in ports the way AWS does: none for all traffic, required for TCP and UDP. */
export function normalizePorts(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
): Pick<RuleSpec, 'fromPort' | 'toPort'> {
  if (protocol === '-1') return {};
  if (
    (protocol === 'tcp' || protocol === 'udp') &&
    (fromPort === undefined || toPort === undefined)
  ) {
    throw awsError(
      'InvalidParameterValue',
      `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`,
    );
  }
  return { fromPort: fromPort ?? -1, toPort: toPort ?? -1 };
}

/** One rule per peer of an `IpPermission`, as AWS splits them into rule ids. */
export function expandIpPermissions(permissions: readonly IpPermission[] | undefined): RuleSpec[] {
  return (permissions ?? []).flatMap((permission) => {
    const protocol = normalizeProtocol(permission.IpProtocol);
    const ports = normalizePorts(protocol, permission.FromPort, permission.ToPort);
    const base = { protocol, ...ports };
    const v4 = (permission.IpRanges ?? []).map((r) => ({
      ...base,
      cidrIpv4: r.CidrIp,
      description: r.Description,
    }));
    const v6 = (permission.Ipv6Ranges ?? []).map((r) => ({
      ...base,
      cidrIpv6: r.CidrIpv6,
      description: r.Description,
    }));
    const groups = (permission.UserIdGroupPairs ?? []).map((p) => ({
      ...base,
      sourceGroupId: p.GroupId,
      description: p.Description,
    }));
    const specs = [...v4, ...v6, ...groups];
    if (specs.length === 0) {
      throw awsError(
        'InvalidParameterValue',
        'Each IpPermission needs at least one peer (IpRanges, Ipv6Ranges or UserIdGroupPairs)',
      );
    }
    return specs.map(dropUndefined);
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Whether two rules allow the same traffic from the same peer (descriptions aside). */
export function isSameRule(a: RuleSpec, b: RuleSpec): boolean {
  return (
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.sourceGroupId === b.sourceGroupId
  );
}

/** How AWS words a rule in its duplicate-rule message. */
export function describeRule(rule: RuleSpec): string {
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.sourceGroupId ?? '';
  const protocol = rule.protocol === '-1' ? 'ALL' : rule.protocol.toUpperCase();
  return `peer: ${peer}, ${protocol}, from port: ${rule.fromPort ?? -1}, to port: ${rule.toPort ?? -1}, ALLOW`;
}

/** Rules grouped back into AWS's `IpPermissions` (one entry per protocol and port range). */
export function toIpPermissions(
  rules: readonly SimulatedRule[],
  accountId: string,
): IpPermission[] {
  const permissions: IpPermission[] = [];
  for (const rule of rules) {
    let permission = permissions.find(
      (p) =>
        p.IpProtocol === rule.protocol && p.FromPort === rule.fromPort && p.ToPort === rule.toPort,
    );
    if (permission === undefined) {
      permission = dropUndefined({
        IpProtocol: rule.protocol,
        FromPort: rule.fromPort,
        ToPort: rule.toPort,
        IpRanges: [],
        Ipv6Ranges: [],
        UserIdGroupPairs: [],
        PrefixListIds: [],
      });
      permissions.push(permission);
    }
    const description = rule.description;
    if (rule.cidrIpv4 !== undefined)
      permission.IpRanges?.push(dropUndefined({ CidrIp: rule.cidrIpv4, Description: description }));
    if (rule.cidrIpv6 !== undefined)
      permission.Ipv6Ranges?.push(
        dropUndefined({ CidrIpv6: rule.cidrIpv6, Description: description }),
      );
    if (rule.sourceGroupId !== undefined) {
      permission.UserIdGroupPairs?.push(
        dropUndefined({ GroupId: rule.sourceGroupId, UserId: accountId, Description: description }),
      );
    }
  }
  return permissions;
}

/** A rule as `DescribeSecurityGroupRules` and the authorize calls report it. */
export function toSecurityGroupRule(
  rule: SimulatedRule,
  groupId: string,
  isEgress: boolean,
  accountId: string,
): SecurityGroupRule {
  return dropUndefined({
    SecurityGroupRuleId: rule.ruleId,
    GroupId: groupId,
    GroupOwnerId: accountId,
    IsEgress: isEgress,
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort ?? -1,
    ToPort: rule.toPort ?? -1,
    CidrIpv4: rule.cidrIpv4,
    CidrIpv6: rule.cidrIpv6,
    ReferencedGroupInfo:
      rule.sourceGroupId === undefined
        ? undefined
        : { GroupId: rule.sourceGroupId, UserId: accountId },
    Description: rule.description,
  });
}

/** AWS's default outbound rule of a new group: all traffic to anywhere over IPv4. */
export const DEFAULT_EGRESS_RULE: RuleSpec = { protocol: '-1', cidrIpv4: '0.0.0.0/0' };
