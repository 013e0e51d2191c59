import { ec2Sdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields, ipv4CidrSchema } from './aws-input-schemas.js';
import { AwsActionError } from './errors.js';
import { directionOf, isDenyAllFrom, MAX_NETWORK_ACL_RULE_NUMBER } from './network-acl-entries.js';

const inputSchema = z.strictObject({
  networkAclId: z.string().regex(/^acl-([0-9a-f]{8}|[0-9a-f]{17})$/, {
    message: 'expected acl- followed by 8 or 17 hex digits',
  }),
  ruleNumber: z.number().int().min(1).max(MAX_NETWORK_ACL_RULE_NUMBER),
  egress: z.boolean().default(false),
  /** The blocked address: the rule is removed only if it still denies exactly this block. */
  cidrBlock: ipv4CidrSchema,
  ...awsStepFields,
});

/** Input of `aws.ec2.unblockAddressInNetworkAcl`. */
export type UnblockAddressInNetworkAclInput = z.output<typeof inputSchema>;

/** What `aws.ec2.unblockAddressInNetworkAcl` did. */
export interface UnblockAddressInNetworkAclOutput {
  networkAclId: string;
  ruleNumber: number;
  egress: boolean;
  cidrBlock: string;
  removed: boolean;
}

/**
 * `aws.ec2.unblockAddressInNetworkAcl`: the undo of `aws.ec2.blockAddressInNetworkAcl`; removes
 * the deny rule it added. Check-then-act: a rule already gone is left alone (a redelivery
 * changes nothing), and a rule number now holding a different rule is refused with
 * `AWS_NETWORK_ACL_MISMATCH` rather than removed.
 */
export const ec2UnblockAddressInNetworkAcl: ActionDefinition<
  UnblockAddressInNetworkAclInput,
  UnblockAddressInNetworkAclOutput
> = {
  id: 'aws.ec2.unblockAddressInNetworkAcl',
  summary: 'Remove a deny rule that blockAddressInNetworkAcl added (its undo)',
  input: inputSchema,
  iamActions: ['ec2:DescribeNetworkAcls', 'ec2:DeleteNetworkAclEntry'],
  mutating: true,
  idempotency: 'check-then-act',

  async run(input, context) {
    const ec2 = context.aws.ec2();
    const { networkAclId, ruleNumber, egress, cidrBlock } = input;
    const result = await ec2.send(
      new ec2Sdk.DescribeNetworkAclsCommand({ NetworkAclIds: [networkAclId] }),
    );
    const entries = result.NetworkAcls?.[0]?.Entries ?? [];
    const entry = entries.find((e) => e.RuleNumber === ruleNumber && e.Egress === egress);
    const base = { networkAclId, ruleNumber, egress, cidrBlock };
    if (entry === undefined) return { ...base, removed: false };
    if (!isDenyAllFrom(entry, cidrBlock, egress)) {
      throw new AwsActionError(
        'AWS_NETWORK_ACL_MISMATCH',
        `${directionOf(egress)} rule ${ruleNumber} of ${networkAclId} no longer denies ${cidrBlock}; remove the block by hand`,
      );
    }
    await ec2.send(
      new ec2Sdk.DeleteNetworkAclEntryCommand({
        NetworkAclId: networkAclId,
        RuleNumber: ruleNumber,
        Egress: egress,
      }),
    );
    return { ...base, removed: true };
  },

  async plan(input, context) {
    const { networkAclId, ruleNumber, egress, cidrBlock } = input;
    const ec2 = context.aws.ec2();
    const result = await ec2.send(
      new ec2Sdk.DescribeNetworkAclsCommand({ NetworkAclIds: [networkAclId] }),
    );
    const entries = result.NetworkAcls?.[0]?.Entries ?? [];
    const entry = entries.find((e) => e.RuleNumber === ruleNumber && e.Egress === egress);
    if (entry === undefined) return [];
    return [
      {
        resource: `${networkAclId} ${directionOf(egress)} rule ${ruleNumber}`,
        before: `deny all ${egress ? 'to' : 'from'} ${cidrBlock}`,
        after: '(none)',
      },
    ];
  },
};
