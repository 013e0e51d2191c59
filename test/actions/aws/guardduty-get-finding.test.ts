import {
  ArchiveFindingsCommand,
  BadRequestException,
  GetFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { guardDutyGetFinding } from '../../../src/actions/aws/index.js';
import { recordAwsCalls, SimulatedAccount } from '../../../src/aws/index.js';
import type { AwsCallRecord } from '../../../src/aws/index.js';
import { createFindingSeed, FINDING_IDS } from '../../aws/finding-seed.js';
import {
  createMockedAwsClients,
  createSimulatedAwsClients,
  createTestActionContext,
  runAction,
} from './action-context.js';

const INPUT = { detectorId: FINDING_IDS.detector, findingId: FINDING_IDS.guardDutyFinding };

function createSimulation() {
  const account = new SimulatedAccount(createFindingSeed());
  const aws = createSimulatedAwsClients(account);
  return { account, aws, context: createTestActionContext({ aws }) };
}

describe('aws.guardduty.getFinding', () => {
  describe('against the simulated account', () => {
    it('reports an open finding as found and active', async () => {
      const { context } = createSimulation();

      const output = await runAction(guardDutyGetFinding, INPUT, context);

      expect(output).toEqual({
        found: true,
        active: true,
        archived: false,
        ...INPUT,
        type: FINDING_IDS.guardDutyType,
        severity: 8,
        title: FINDING_IDS.guardDutyType,
        updatedAt: '2024-01-01T00:05:00.000Z',
        resourceType: 'Instance',
        instanceId: FINDING_IDS.instance,
      });
    });

    it('reports a finding archived since as found but not active', async () => {
      const { aws, context } = createSimulation();
      await aws.guardDuty().send(
        new ArchiveFindingsCommand({
          DetectorId: INPUT.detectorId,
          FindingIds: [INPUT.findingId],
        }),
      );

      const output = await runAction(guardDutyGetFinding, INPUT, context);

      expect(output).toMatchObject({ found: true, active: false, archived: true });
    });

    it('reports a finding GuardDuty does not know as not found, not as an error', async () => {
      const { context } = createSimulation();
      const input = { ...INPUT, findingId: '0123456789abcdef0123456789abcdef' };

      const output = await runAction(guardDutyGetFinding, input, context);

      expect(output).toEqual({ found: false, active: false, archived: false, ...input });
    });

    it("fails with GuardDuty's BadRequestException for a detector of another account", async () => {
      const { context } = createSimulation();
      const input = { ...INPUT, detectorId: 'ffffffffffffffffffffffffffffffff' };

      const error = await runAction(guardDutyGetFinding, input, context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(BadRequestException);
      expect(error).toMatchObject({ name: 'BadRequestException', $fault: 'client' });
    });

    it('is audited as guardduty:GetFindings through the recording clients', async () => {
      const { aws } = createSimulation();
      const records: AwsCallRecord[] = [];
      const recording = recordAwsCalls(aws, (record) => records.push(record));

      await runAction(guardDutyGetFinding, INPUT, createTestActionContext({ aws: recording }));

      expect(records).toEqual([
        {
          service: 'guardduty',
          operation: 'GetFindings',
          params: { DetectorId: INPUT.detectorId, FindingIds: [INPUT.findingId] },
          simulated: true,
        },
      ]);
    });
  });

  describe('with a mocked client', () => {
    it('asks for the one finding and reads Service.Archived', async () => {
      const aws = createMockedAwsClients();
      const guardDuty = mockClient(aws.guardDuty());
      guardDuty.on(GetFindingsCommand).resolves({
        Findings: [
          {
            Id: INPUT.findingId,
            Type: 'Backdoor:EC2/Spambot',
            Severity: 5,
            UpdatedAt: '2021-03-07T00:30:34.000Z',
            Resource: { ResourceType: 'AccessKey' },
            Service: { Archived: true, DetectorId: INPUT.detectorId },
          } as never,
        ],
      });

      const output = await runAction(guardDutyGetFinding, INPUT, createTestActionContext({ aws }));

      expect(guardDuty.commandCalls(GetFindingsCommand)[0]?.args[0].input).toEqual({
        DetectorId: INPUT.detectorId,
        FindingIds: [INPUT.findingId],
      });
      expect(output).toMatchObject({
        found: true,
        active: false,
        archived: true,
        type: 'Backdoor:EC2/Spambot',
        severity: 5,
        resourceType: 'AccessKey',
      });
      expect(output.instanceId).toBeUndefined();
    });

    it('treats an answer without the finding asked for as not found', async () => {
      const aws = createMockedAwsClients();
      mockClient(aws.guardDuty())
        .on(GetFindingsCommand)
        .resolves({ Findings: [{ Id: 'another-finding' } as never] });

      const output = await runAction(guardDutyGetFinding, INPUT, createTestActionContext({ aws }));

      expect(output).toMatchObject({ found: false, active: false });
    });
  });

  it('refuses an empty finding id before calling AWS', () => {
    expect(() => guardDutyGetFinding.input.parse({ ...INPUT, findingId: '' })).toThrow(/findingId/);
  });
});
