import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  ec2BlockAddressInNetworkAcl,
  ec2UnblockAddressInNetworkAcl,
} from '../../../src/actions/aws/index.js';
import { IDS } from '../../aws/sample-seed.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { RESPONSE_IDS } from './response-seed.js';
import { createResponseSimulation, runWithUndo, sentCommands } from './undo-harness.js';

const ATTACKER = '203.0.113.7/32';

function mockAcl(entries: object[]) {
  const aws = createMockedAwsClients();
  const ec2 = mockClient(aws.ec2());
  ec2.on(DescribeNetworkAclsCommand).resolves({
    NetworkAcls: [{ NetworkAclId: RESPONSE_IDS.acl, Entries: entries }],
  });
  return { aws, ec2 };
}

const allow100 = {
  RuleNumber: 100,
  Egress: false,
  Protocol: '-1',
  RuleAction: 'allow',
  CidrBlock: '0.0.0.0/0',
};

describe('aws.ec2.blockAddressInNetworkAcl', () => {
  describe('with a mocked client', () => {
    it("finds the subnet's ACL and adds a deny with the lowest free rule number", async () => {
      const taken = { ...allow100, RuleNumber: 1, RuleAction: 'deny', CidrBlock: '192.0.2.0/24' };
      const { aws, ec2 } = mockAcl([taken, allow100]);

      const output = await runAction(
        ec2BlockAddressInNetworkAcl,
        { subnetId: IDS.subnet, cidrBlock: ATTACKER },
        createTestActionContext({ aws }),
      );

      expect(sentCommands(ec2)).toEqual([
        [
          'DescribeNetworkAcls',
          { Filters: [{ Name: 'association.subnet-id', Values: [IDS.subnet] }] },
        ],
        [
          'CreateNetworkAclEntry',
          {
            NetworkAclId: RESPONSE_IDS.acl,
            RuleNumber: 2,
            Egress: false,
            Protocol: '-1',
            RuleAction: 'deny',
            CidrBlock: ATTACKER,
          },
        ],
      ]);
      expect(output).toMatchObject({ ruleNumber: 2, created: true });
    });

    it('fails with AWS_NETWORK_ACL_FULL when no number is free before the first allow', async () => {
      const { aws } = mockAcl([{ ...allow100, RuleNumber: 1 }]);

      await expect(
        runAction(
          ec2BlockAddressInNetworkAcl,
          { subnetId: IDS.subnet, cidrBlock: ATTACKER },
          createTestActionContext({ aws }),
        ),
      ).rejects.toMatchObject({ code: 'AWS_NETWORK_ACL_FULL' });
    });

    it('adds nothing when a deny for the address is there', async () => {
      const existing = { ...allow100, RuleNumber: 7, RuleAction: 'deny', CidrBlock: ATTACKER };
      const { aws, ec2 } = mockAcl([existing, allow100]);

      const output = await runAction(
        ec2BlockAddressInNetworkAcl,
        { subnetId: IDS.subnet, cidrBlock: ATTACKER },
        createTestActionContext({ aws }),
      );

      expect(ec2.commandCalls(CreateNetworkAclEntryCommand)).toHaveLength(0);
      expect(output).toMatchObject({ ruleNumber: 7, created: false });
    });
  });

  describe('against the simulated account', () => {
    it('blocks the address before the allow rule, and its undo restores the ACL', async () => {
      const { account, context } = createResponseSimulation();

      const seen = await runWithUndo(account, context, ec2BlockAddressInNetworkAcl, {
        subnetId: IDS.subnet,
        cidrBlock: ATTACKER,
      });

      const acl = seen.after.networkAcls.find((a) => a.networkAclId === RESPONSE_IDS.acl);
      expect(
        acl?.entries.filter((e) => !e.egress).map((e) => [e.ruleNumber, e.ruleAction, e.cidrBlock]),
      ).toEqual([
        [1, 'deny', '192.0.2.0/24'],
        [2, 'deny', ATTACKER],
        [100, 'allow', '0.0.0.0/0'],
        [32767, 'deny', '0.0.0.0/0'],
      ]);
      expect(seen.undone).toEqual(seen.before);
    });

    it('adds one rule when delivered twice', async () => {
      const { account, context } = createResponseSimulation();
      const input = { subnetId: IDS.subnet, cidrBlock: ATTACKER };
      await runAction(ec2BlockAddressInNetworkAcl, input, context);
      const once = account.snapshot();

      const again = await runAction(ec2BlockAddressInNetworkAcl, input, context);

      expect(account.snapshot()).toEqual(once);
      expect(again.created).toBe(false);
    });
  });
});

describe('aws.ec2.unblockAddressInNetworkAcl', () => {
  it('refuses to remove a rule that no longer denies the address', async () => {
    const { aws, ec2 } = mockAcl([{ ...allow100, RuleNumber: 2 }]);

    await expect(
      runAction(
        ec2UnblockAddressInNetworkAcl,
        { networkAclId: RESPONSE_IDS.acl, ruleNumber: 2, cidrBlock: ATTACKER },
        createTestActionContext({ aws }),
      ),
    ).rejects.toMatchObject({ code: 'AWS_NETWORK_ACL_MISMATCH' });
    expect(ec2.commandCalls(DeleteNetworkAclEntryCommand)).toHaveLength(0);
  });
});
