import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, ipv4CidrSchema, subnetIdSchema } from './aws-input-schemas.js';
import { AwsActionError } from './errors.js';
import {
  directionOf,
  findFreeRuleNumber,
  findSubnetAcl,
  isDenyAllFrom,
} from './network-acl-entries.js';

const inputSchema = z.strictObject({
  subnetId: subnetIdSchema,
  /** The address to block, e.g. `203.0.113.7/32`. */
  cidrBlock: ipv4CidrSchema,
  /** Block traffic to the address (outbound) instead of from it. Default false (inbound). */
  egress: z.boolean().default(false),
  ...awsStepFields,
});

/** Input of `aws.ec2.blockAddressInNetworkAcl`. */
export type BlockAddressInNetworkAclInput = z.output<typeof inputSchema>;

/** The deny rule, with what the undo needs to remove exactly it. */
export interface BlockAddressInNetworkAclOutput {
  networkAclId: string;
  subnetId: string;
  ruleNumber: number;
  egress: boolean;
  cidrBlock: string;
  /** Whether this step added the rule; false when a deny for the address was already there. */
  created: boolean;
}

/**
 * `aws.ec2.blockAddressInNetworkAcl`: denies all traffic from one CIDR block at the network ACL
 * of a subnet, with the lowest free rule number before the ACL's first allow rule (ACLs apply
 * the first matching rule). Unlike security groups, ACLs are stateless, so the deny also cuts
 * connections already open. Check-then-act: when a deny-all rule for the same block and
 * direction exists it changes nothing, so a second delivery adds no second rule. Note that the
 * ACL is shared by every instance in the subnet. Undo: `aws.ec2.unblockAddressInNetworkAcl`.
 */
export const ec2BlockAddressInNetworkAcl: ActionDefinition<
  BlockAddressInNetworkAclInput,
  BlockAddressInNetworkAclOutput
> = {
  id: 'aws.ec2.blockAddressInNetworkAcl',
  summary: "Deny one CIDR block at a subnet's network ACL, before its allow rules",
  input: inputSchema,
  iamActions: ['ec2:DescribeNetworkAcls', 'ec2:CreateNetworkAclEntry'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const acl = await findSubnetAcl(ec2, input.subnetId);
    const networkAclId = acl.NetworkAclId ?? '';
    const base = { networkAclId, subnetId: input.subnetId, egress: input.egress };
    const existing = (acl.Entries ?? []).find((e) =>
      isDenyAllFrom(e, input.cidrBlock, input.egress),
    );
    if (existing?.RuleNumber !== undefined) {
      return {
        ...base,
        ruleNumber: existing.RuleNumber,
        cidrBlock: input.cidrBlock,
        created: false,
      };
    }

    const ruleNumber = findFreeRuleNumber(acl, input.egress);
    if (ruleNumber === undefined) {
      throw new AwsActionError(
        'AWS_NETWORK_ACL_FULL',
        `network ACL ${networkAclId} has no free ${directionOf(input.egress)} rule number before its first allow rule; renumber its rules or block with a security group`,
      );
    }
    await ec2.send(
      new ec2Sdk.CreateNetworkAclEntryCommand({
        NetworkAclId: networkAclId,
        RuleNumber: ruleNumber,
        Egress: input.egress,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: input.cidrBlock,
      }),
    );
    return { ...base, ruleNumber, cidrBlock: input.cidrBlock, created: true };
  },

  async plan(input, context) {
    const acl = await findSubnetAcl(context.aws.ec2(), input.subnetId);
    const entries = acl.Entries ?? [];
    if (entries.some((e) => isDenyAllFrom(e, input.cidrBlock, input.egress))) return [];
    const ruleNumber = findFreeRuleNumber(acl, input.egress) ?? 'none free';
    return [
      {
        resource: `${acl.NetworkAclId} ${directionOf(input.egress)} rule ${ruleNumber}`,
        before: '(none)',
        after: `deny all ${input.egress ? 'to' : 'from'} ${input.cidrBlock}`,
      },
    ];
  },

  undo: {
    action: 'aws.ec2.unblockAddressInNetworkAcl',
    input: (output) =>
      output.created
        ? {
            networkAclId: output.networkAclId,
            ruleNumber: output.ruleNumber,
            egress: output.egress,
            cidrBlock: output.cidrBlock,
          }
        : undefined,
  },
};
