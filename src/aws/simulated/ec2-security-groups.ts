import type {
  AuthorizeSecurityGroupEgressRequest,
  AuthorizeSecurityGroupEgressResult,
  AuthorizeSecurityGroupIngressRequest,
  AuthorizeSecurityGroupIngressResult,
  CreateSecurityGroupRequest,
  CreateSecurityGroupResult,
  DeleteSecurityGroupRequest,
  DeleteSecurityGroupResult,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  IpPermission,
  RevokeSecurityGroupEgressRequest,
  RevokeSecurityGroupEgressResult,
  RevokeSecurityGroupIngressRequest,
  RevokeSecurityGroupIngressResult,
  SecurityGroup,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import {
  EC2_RESOURCE_KINDS,
  checkIdShapes,
  requireAll,
  requireSecurityGroup,
  requireVpc,
} from './ec2-lookups.js';
import { updateConnectionsOfGroup } from './connection-tracking.js';
import { fromTagList, matchesFilters, tagFilterValues, toTagList } from './filters.js';
import {
  DEFAULT_EGRESS_RULE,
  describeRule,
  expandIpPermissions,
  isSameRule,
  toIpPermissions,
  toSecurityGroupRule,
  type RuleSpec,
} from './security-group-rules.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type {
  SimulatedRule,
  SimulatedSecurityGroup,
  SimulatedTags,
} from './simulated-account-state.js';

type Direction = 'ingress' | 'egress';

/** Tags of `resourceType` from `TagSpecifications`. */
export function tagsFromSpecifications(
  specifications: readonly TagSpecification[] | undefined,
  resourceType: string,
): SimulatedTags {
  const matching = (specifications ?? []).filter((s) => s.ResourceType === resourceType);
  return fromTagList(matching.flatMap((s) => s.Tags ?? []));
}

function toSecurityGroup(group: SimulatedSecurityGroup, context: SimulatedContext): SecurityGroup {
  const { accountId, region } = context.state;
  return {
    GroupId: group.groupId,
    GroupName: group.groupName,
    Description: group.description,
    VpcId: group.vpcId,
    OwnerId: accountId,
    SecurityGroupArn: `arn:aws:ec2:${region}:${accountId}:security-group/${group.groupId}`,
    IpPermissions: toIpPermissions(group.ingress, accountId),
    IpPermissionsEgress: toIpPermissions(group.egress, accountId),
    Tags: toTagList(group.tags),
  };
}

function groupFilterValues(group: SimulatedSecurityGroup, name: string) {
  const values: Record<string, string[]> = {
    'group-id': [group.groupId],
    'group-name': [group.groupName],
    'vpc-id': [group.vpcId],
    description: [group.description],
  };
  return values[name] ?? tagFilterValues(group.tags, name);
}

/** Adds rules with fresh ids; AWS refuses the whole call if any already exists. */
export function addRules(
  context: SimulatedContext,
  group: SimulatedSecurityGroup,
  direction: Direction,
  specs: readonly RuleSpec[],
): SimulatedRule[] {
  for (const spec of specs) checkRuleSpec(context, group, spec);
  const duplicate = specs.find((spec) => group[direction].some((rule) => isSameRule(rule, spec)));
  if (duplicate !== undefined) {
    throw awsError(
      'InvalidPermission.Duplicate',
      `the specified rule "${describeRule(duplicate)}" already exists`,
    );
  }
  const added = specs.map((spec) => ({ ruleId: context.ids.next('sgr'), ...spec }));
  group[direction].push(...added);
  updateConnectionsOfGroup(context, group.groupId);
  return added;
}

function checkRuleSpec(context: SimulatedContext, group: SimulatedSecurityGroup, spec: RuleSpec) {
  if (spec.sourceGroupId !== undefined) requireSecurityGroup(context, spec.sourceGroupId);
  const cidr = spec.cidrIpv4 ?? spec.cidrIpv6;
  if (cidr !== undefined && !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(cidr)) {
    throw awsError('InvalidParameterValue', `CIDR block ${cidr} is malformed`);
  }
  if (spec.description !== undefined && spec.description.length > 255) {
    throw awsError('InvalidParameterValue', `Invalid rule description for group ${group.groupId}`);
  }
}

function authorize(
  context: SimulatedContext,
  groupId: string | undefined,
  direction: Direction,
  permissions: IpPermission[] | undefined,
) {
  const group = requireSecurityGroup(context, groupId ?? '');
  const added = addRules(context, group, direction, expandIpPermissions(permissions));
  const accountId = context.state.accountId;
  return {
    Return: true,
    SecurityGroupRules: added.map((r) =>
      toSecurityGroupRule(r, group.groupId, direction === 'egress', accountId),
    ),
  };
}

function revoke(
  context: SimulatedContext,
  groupId: string | undefined,
  direction: Direction,
  permissions: IpPermission[] | undefined,
  ruleIds: string[] | undefined,
) {
  const group = requireSecurityGroup(context, groupId ?? '');
  const specs = expandIpPermissions(permissions);
  const byId = (ruleIds ?? []).map((id) => {
    const rule = group[direction].find((r) => r.ruleId === id);
    if (rule === undefined) {
      throw awsError(
        'InvalidSecurityGroupRuleId.NotFound',
        `The security group rule ID '${id}' does not exist`,
      );
    }
    return rule;
  });
  const bySpec = specs.map((spec) => group[direction].find((rule) => isSameRule(rule, spec)));
  const unknown = specs.filter((_, index) => bySpec[index] === undefined);
  const revoked = [...byId, ...bySpec.filter((r): r is SimulatedRule => r !== undefined)];
  if (revoked.length === 0) {
    // AWS answers a revoke that matches nothing at all with an error, and a partial match with
    // success plus UnknownIpPermissions.
    throw awsError(
      'InvalidPermission.NotFound',
      'The specified rule does not exist in this security group.',
    );
  }
  group[direction] = group[direction].filter((rule) => !revoked.includes(rule));
  updateConnectionsOfGroup(context, group.groupId);
  const accountId = context.state.accountId;
  return {
    Return: true,
    UnknownIpPermissions:
      unknown.length === 0
        ? undefined
        : toIpPermissions(
            unknown.map((s) => ({ ruleId: '', ...s })),
            accountId,
          ),
    RevokedSecurityGroupRules: revoked.map((r) => ({
      SecurityGroupRuleId: r.ruleId,
      GroupId: group.groupId,
      IsEgress: direction === 'egress',
      IpProtocol: r.protocol,
      FromPort: r.fromPort ?? -1,
      ToPort: r.toPort ?? -1,
      CidrIpv4: r.cidrIpv4,
      CidrIpv6: r.cidrIpv6,
    })),
  };
}

function legacyIngressPermissions(input: AuthorizeSecurityGroupIngressRequest): IpPermission[] {
  if (input.IpPermissions !== undefined) return input.IpPermissions;
  if (input.CidrIp === undefined) return [];
  const { IpProtocol, FromPort, ToPort, CidrIp } = input;
  return [{ IpProtocol, FromPort, ToPort, IpRanges: [{ CidrIp }] }];
}

/** Security group operations of the simulated EC2. */
export const ec2SecurityGroupOperations = {
  DescribeSecurityGroups(
    context: SimulatedContext,
    input: DescribeSecurityGroupsRequest,
  ): DescribeSecurityGroupsResult {
    const { securityGroups } = context.state;
    const kind = EC2_RESOURCE_KINDS.securityGroup;
    const named = input.GroupIds?.length
      ? requireAll(kind, input.GroupIds, securityGroups, (g) => g.groupId)
      : securityGroups;
    const found = named.filter((g) =>
      matchesFilters(input.Filters, (name) => groupFilterValues(g, name)),
    );
    return { SecurityGroups: found.map((g) => toSecurityGroup(g, context)) };
  },

  DescribeSecurityGroupRules(
    context: SimulatedContext,
    input: DescribeSecurityGroupRulesRequest,
  ): DescribeSecurityGroupRulesResult {
    const accountId = context.state.accountId;
    const rules = context.state.securityGroups.flatMap((g) => [
      ...g.ingress.map((r) => ({
        group: g,
        rule: toSecurityGroupRule(r, g.groupId, false, accountId),
      })),
      ...g.egress.map((r) => ({
        group: g,
        rule: toSecurityGroupRule(r, g.groupId, true, accountId),
      })),
    ]);
    const wanted = input.SecurityGroupRuleIds;
    const matching = rules.filter(({ group, rule }) => {
      if (wanted?.length && !wanted.includes(rule.SecurityGroupRuleId ?? '')) return false;
      return matchesFilters(input.Filters, (name) => {
        if (name === 'group-id') return [group.groupId];
        if (name === 'security-group-rule-id') return [rule.SecurityGroupRuleId];
        return tagFilterValues({}, name);
      });
    });
    return { SecurityGroupRules: matching.map(({ rule }) => rule) };
  },

  CreateSecurityGroup(
    context: SimulatedContext,
    input: CreateSecurityGroupRequest,
  ): CreateSecurityGroupResult {
    const { GroupName: name, Description: description, VpcId: vpcId } = input;
    if (!name)
      throw awsError('MissingParameter', 'The request must contain the parameter groupName');
    if (!description)
      throw awsError('MissingParameter', 'The request must contain the parameter groupDescription');
    if (name.toLowerCase().startsWith('sg-')) {
      throw awsError('InvalidParameterValue', `Group names may not be in the format sg-*.`);
    }
    const vpc =
      vpcId === undefined
        ? context.state.vpcs.find((v) => v.isDefault)
        : requireVpc(context, vpcId);
    if (vpc === undefined) throw awsError('VPCIdNotSpecified', 'No default VPC for this user');

    const groups = context.state.securityGroups;
    if (groups.some((g) => g.vpcId === vpc.vpcId && g.groupName === name)) {
      throw awsError(
        'InvalidGroup.Duplicate',
        `The security group '${name}' already exists for VPC '${vpc.vpcId}'`,
      );
    }
    const groupId = context.ids.next('sg', (id) => groups.some((g) => g.groupId === id));
    const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group');
    const group: SimulatedSecurityGroup = {
      groupId,
      groupName: name,
      vpcId: vpc.vpcId,
      description,
      ingress: [],
      egress: [],
      tags,
    };
    groups.push(group);
    addRules(context, group, 'egress', [DEFAULT_EGRESS_RULE]);

    const { region, accountId } = context.state;
    const arn = `arn:aws:ec2:${region}:${accountId}:security-group/${groupId}`;
    return { GroupId: groupId, Tags: toTagList(tags), SecurityGroupArn: arn };
  },

  DeleteSecurityGroup(
    context: SimulatedContext,
    input: DeleteSecurityGroupRequest,
  ): DeleteSecurityGroupResult {
    const groupId = input.GroupId ?? '';
    checkIdShapes(EC2_RESOURCE_KINDS.securityGroup, [groupId]);
    const group = requireSecurityGroup(context, groupId);
    const inUse = context.state.networkInterfaces.some((eni) => eni.groupIds.includes(groupId));
    const referenced = context.state.securityGroups.some((g) =>
      [...g.ingress, ...g.egress].some((r) => r.sourceGroupId === groupId && g !== group),
    );
    if (inUse || referenced) {
      throw awsError('DependencyViolation', `resource ${groupId} has a dependent object`);
    }
    context.state.securityGroups = context.state.securityGroups.filter((g) => g !== group);
    return { Return: true, GroupId: groupId };
  },

  AuthorizeSecurityGroupIngress(
    context: SimulatedContext,
    input: AuthorizeSecurityGroupIngressRequest,
  ): AuthorizeSecurityGroupIngressResult {
    return authorize(context, input.GroupId, 'ingress', legacyIngressPermissions(input));
  },

  AuthorizeSecurityGroupEgress(
    context: SimulatedContext,
    input: AuthorizeSecurityGroupEgressRequest,
  ): AuthorizeSecurityGroupEgressResult {
    return authorize(context, input.GroupId, 'egress', input.IpPermissions);
  },

  RevokeSecurityGroupIngress(
    context: SimulatedContext,
    input: RevokeSecurityGroupIngressRequest,
  ): RevokeSecurityGroupIngressResult {
    return revoke(
      context,
      input.GroupId,
      'ingress',
      input.IpPermissions,
      input.SecurityGroupRuleIds,
    );
  },

  RevokeSecurityGroupEgress(
    context: SimulatedContext,
    input: RevokeSecurityGroupEgressRequest,
  ): RevokeSecurityGroupEgressResult {
    return revoke(
      context,
      input.GroupId,
      'egress',
      input.IpPermissions,
      input.SecurityGroupRuleIds,
    );
  },
} satisfies SimulatedOperationTable;
