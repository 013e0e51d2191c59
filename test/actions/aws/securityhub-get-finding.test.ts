import { BatchUpdateFindingsCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { securityHubGetFinding } from '../../../src/actions/aws/index.js';
import { SimulatedAccount } from '../../../src/aws/index.js';
import { createFindingSeed, FINDING_IDS, securityHubFindingSeed } from '../../aws/finding-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
} from './action-context.js';

const INPUT = {
  findingId: FINDING_IDS.securityHubFinding,
  productArn: FINDING_IDS.securityHubProduct,
};

function createSimulation(finding = securityHubFindingSeed()) {
  const account = new SimulatedAccount(createFindingSeed([finding]));
  const aws = createSimulatedAwsClients(account);
  return { account, aws, context: createTestActionContext({ aws }) };
}

describe('aws.securityhub.getFinding', () => {
  describe('against the simulated account', () => {
    it('reports an active, new finding as found and active', async () => {
      const { context } = createSimulation();

      const output = await runAction(securityHubGetFinding, INPUT, context);

      expect(output).toEqual({
        found: true,
        active: true,
        recordState: 'ACTIVE',
        workflowStatus: 'NEW',
        ...INPUT,
        severityLabel: 'INFORMATIONAL',
        updatedAt: '2024-01-01T00:05:00.000Z',
        type: FINDING_IDS.securityHubType,
        title: 'EC2.7 EBS default encryption should be enabled',
        resourceType: 'AwsAccount',
      });
    });

    it.each(['RESOLVED', 'SUPPRESSED'] as const)(
      'reports a finding set to %s since as not active',
      async (Status) => {
        const { aws, context } = createSimulation();
        const FindingIdentifiers = [{ Id: INPUT.findingId, ProductArn: INPUT.productArn }];
        await aws
          .securityHub()
          .send(new BatchUpdateFindingsCommand({ FindingIdentifiers, Workflow: { Status } }));

        const output = await runAction(securityHubGetFinding, INPUT, context);

        expect(output).toMatchObject({
          found: true,
          active: false,
          recordState: 'ACTIVE',
          workflowStatus: Status,
        });
      },
    );

    it('reports a finding its provider archived as not active', async () => {
      const { context } = createSimulation(securityHubFindingSeed({ recordState: 'ARCHIVED' }));

      const output = await runAction(securityHubGetFinding, INPUT, context);

      expect(output).toMatchObject({ found: true, active: false, recordState: 'ARCHIVED' });
    });

    it('reports a finding of another product as not found, not as an error', async () => {
      const { context } = createSimulation();
      const input = { ...INPUT, productArn: 'arn:aws:securityhub:us-east-1::product/aws/macie' };

      const output = await runAction(securityHubGetFinding, input, context);

      expect(output).toEqual({ found: false, active: false, ...input });
    });
  });

  describe('with a mocked client', () => {
    it('filters on Id and ProductArn with EQUALS and keeps a NOTIFIED finding active', async () => {
      const aws = createMockedAwsClients();
      const securityHub = mockClient(aws.securityHub());
      securityHub.on(GetFindingsCommand).resolves({
        Findings: [
          {
            Id: INPUT.findingId,
            ProductArn: INPUT.productArn,
            RecordState: 'ACTIVE',
            Workflow: { Status: 'NOTIFIED' },
            Severity: { Label: 'HIGH' },
          } as never,
        ],
      });

      const output = await runAction(
        securityHubGetFinding,
        INPUT,
        createTestActionContext({ aws }),
      );

      expect(securityHub.commandCalls(GetFindingsCommand)[0]?.args[0].input).toEqual({
        Filters: {
          Id: [{ Value: INPUT.findingId, Comparison: 'EQUALS' }],
          ProductArn: [{ Value: INPUT.productArn, Comparison: 'EQUALS' }],
        },
        MaxResults: 1,
      });
      expect(output).toMatchObject({
        found: true,
        active: true,
        workflowStatus: 'NOTIFIED',
        severityLabel: 'HIGH',
      });
    });

    it('reports an empty answer as not found', async () => {
      const aws = createMockedAwsClients();
      mockClient(aws.securityHub()).on(GetFindingsCommand).resolves({ Findings: [] });

      const output = await runAction(
        securityHubGetFinding,
        INPUT,
        createTestActionContext({ aws }),
      );

      expect(output).toEqual({ found: false, active: false, ...INPUT });
    });
  });

  it('refuses a product ARN that is not one, naming the field', () => {
    const parse = () => securityHubGetFinding.input.parse({ ...INPUT, productArn: 'macie' });

    expect(parse).toThrow(/productArn/);
    expect(parse).toThrow(/expected a Security Hub product ARN/);
  });
});
