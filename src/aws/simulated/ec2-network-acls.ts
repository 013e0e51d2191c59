import type {
  CreateNetworkAclEntryRequest,
  DeleteNetworkAclEntryRequest,
  DescribeNetworkAclsRequest,
  DescribeNetworkAclsResult,
  NetworkAcl,
} from '@aws-sdk/client-ec2';
import { matchesFilters, tagFilterValues, toTagList } from './filters.js';
import { normalizeProtocol } from './security-group-rules.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedNetworkAcl } from './simulated-account-state.js';

/** The API's protocol numbers for ACL entries (`-1` all, 6 TCP, 17 UDP, 1 ICMP). */
const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1' };

function requireAcl(context: SimulatedContext, id: string): SimulatedNetworkAcl {
  const acl = context.state.networkAcls.find((a) => a.networkAclId === id);
  if (acl === undefined)
    throw awsError('InvalidNetworkAclID.NotFound', `The network ACL '${id}' does not exist`);
  return acl;
}

function toNetworkAcl(acl: SimulatedNetworkAcl, accountId: string): NetworkAcl {
  return {
    NetworkAclId: acl.networkAclId,
    VpcId: acl.vpcId,
    IsDefault: acl.isDefault,
    OwnerId: accountId,
    Associations: acl.subnetIds.map((subnetId) => ({
      NetworkAclAssociationId: `aclassoc-${subnetId.slice(7)}`,
      NetworkAclId: acl.networkAclId,
      SubnetId: subnetId,
    })),
    Entries: [...acl.entries]
      .sort((a, b) => Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber)
      .map((e) => ({
        RuleNumber: e.ruleNumber,
        Egress: e.egress,
        Protocol: PROTOCOL_NUMBERS[e.protocol] ?? e.protocol,
        RuleAction: e.ruleAction,
        CidrBlock: e.cidrBlock,
        ...(e.fromPort === undefined ? {} : { PortRange: { From: e.fromPort, To: e.toPort } }),
      })),
    Tags: toTagList(acl.tags) ?? [],
  };
}

function aclFilterValues(acl: SimulatedNetworkAcl, name: string) {
  const values: Record<string, string[]> = {
    'network-acl-id': [acl.networkAclId],
    'vpc-id': [acl.vpcId],
    default: [String(acl.isDefault)],
    'association.subnet-id': acl.subnetIds,
  };
  return values[name] ?? tagFilterValues(acl.tags, name);
}

/** Network ACL operations of the simulated EC2. */
export const ec2NetworkAclOperations = {
  DescribeNetworkAcls(
    context: SimulatedContext,
    input: DescribeNetworkAclsRequest,
  ): DescribeNetworkAclsResult {
    const named = input.NetworkAclIds?.length
      ? input.NetworkAclIds.map((id) => requireAcl(context, id))
      : context.state.networkAcls;
    const found = named.filter((acl) =>
      matchesFilters(input.Filters, (name) => aclFilterValues(acl, name)),
    );
    return { NetworkAcls: found.map((acl) => toNetworkAcl(acl, context.state.accountId)) };
  },

  CreateNetworkAclEntry(context: SimulatedContext, input: CreateNetworkAclEntryRequest): object {
    const acl = requireAcl(context, input.NetworkAclId ?? '');
    const ruleNumber = input.RuleNumber ?? 0;
    const egress = input.Egress ?? false;
    if (ruleNumber < 1 || ruleNumber > 32766) {
      throw awsError(
        'InvalidParameterValue',
        `Invalid value '${ruleNumber}' for ruleNumber. Must be between 1 and 32766.`,
      );
    }
    if (acl.entries.some((e) => e.ruleNumber === ruleNumber && e.egress === egress)) {
      throw awsError(
        'NetworkAclEntryAlreadyExists',
        `The network acl entry identified by ${ruleNumber} already exists.`,
      );
    }
    if (input.CidrBlock === undefined)
      throw awsError('MissingParameter', 'The request must contain the parameter cidrBlock');
    const protocol = normalizeProtocol(
      input.Protocol === '6' ? 'tcp' : input.Protocol === '17' ? 'udp' : input.Protocol,
    );
    acl.entries.push({
      ruleNumber,
      egress,
      protocol,
      ruleAction: input.RuleAction === 'deny' ? 'deny' : 'allow',
      cidrBlock: input.CidrBlock,
      ...(input.PortRange === undefined
        ? {}
        : { fromPort: input.PortRange.From, toPort: input.PortRange.To }),
    });
    return {};
  },

  DeleteNetworkAclEntry(context: SimulatedContext, input: DeleteNetworkAclEntryRequest): object {
    const acl = requireAcl(context, input.NetworkAclId ?? '');
    const egress = input.Egress ?? false;
    const index = acl.entries.findIndex(
      (e) => e.ruleNumber === input.RuleNumber && e.egress === egress,
    );
    if (index < 0 || input.RuleNumber === 32767) {
      throw awsError(
        'InvalidNetworkAclEntry.NotFound',
        `The network acl entry identified by ${input.RuleNumber} does not exist.`,
      );
    }
    acl.entries.splice(index, 1);
    return {};
  },
} satisfies SimulatedOperationTable;
