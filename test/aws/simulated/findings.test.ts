import {
  ArchiveFindingsCommand,
  GetFindingsCommand,
  GuardDutyServiceException,
} from '@aws-sdk/client-guardduty';
import { describe, expect, it } from 'vitest';
import {
  createAwsClients,
  SimulatedAccount,
  SimulatedAccountSeedError,
  SimulatedAwsError,
  SimulatedOperationUnsupportedError,
} from '../../../src/aws/index.js';
import {
  createFindingSeed,
  FINDING_IDS,
  guardDutyFindingSeed,
  securityHubFindingSeed,
} from '../finding-seed.js';

const DETECTOR = FINDING_IDS.detector;
const GD_ID = FINDING_IDS.guardDutyFinding;
const SH_IDENTIFIER = {
  Id: FINDING_IDS.securityHubFinding,
  ProductArn: FINDING_IDS.securityHubProduct,
};

function createAccount() {
  return new SimulatedAccount(createFindingSeed());
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the call succeeded'),
    (error: unknown) => error,
  );
}

function byIdAndProduct(id: string, productArn: string) {
  return {
    Filters: {
      Id: [{ Value: id, Comparison: 'EQUALS' }],
      ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
    },
  };
}

describe('simulated GuardDuty findings', () => {
  it('answers GetFindings with the seeded finding in GuardDuty shape', async () => {
    const account = createAccount();

    const result = await account.handle('guardduty', 'GetFindings', {
      DetectorId: DETECTOR,
      FindingIds: [GD_ID],
    });

    expect(result).toEqual({
      Findings: [
        expect.objectContaining({
          Id: GD_ID,
          Arn: `arn:aws:guardduty:us-east-1:123456789012:detector/${DETECTOR}/finding/${GD_ID}`,
          Type: FINDING_IDS.guardDutyType,
          Title: FINDING_IDS.guardDutyType,
          Severity: 8,
          CreatedAt: '2024-01-01T00:00:00.000Z',
          UpdatedAt: '2024-01-01T00:05:00.000Z',
          Resource: {
            ResourceType: 'Instance',
            InstanceDetails: { InstanceId: FINDING_IDS.instance },
          },
          Service: expect.objectContaining({ Archived: false, DetectorId: DETECTOR }),
        }),
      ],
    });
  });

  it('archives and unarchives a finding, and GetFindings still returns it archived', async () => {
    const account = createAccount();
    const ids = { DetectorId: DETECTOR, FindingIds: [GD_ID] };
    const archivedNow = async () => {
      const result = (await account.handle('guardduty', 'GetFindings', ids)) as {
        Findings: { Service: { Archived: boolean } }[];
      };
      return result.Findings.map((f) => f.Service.Archived);
    };

    await account.handle('guardduty', 'ArchiveFindings', ids);
    const afterArchive = await archivedNow();
    const snapshot = account.snapshot().findings;
    await account.handle('guardduty', 'UnarchiveFindings', ids);

    expect(afterArchive).toEqual([true]);
    expect(snapshot).toContainEqual(expect.objectContaining({ findingId: GD_ID, archived: true }));
    expect(await archivedNow()).toEqual([false]);
  });

  it('leaves an unknown finding id out of GetFindings', async () => {
    const result = await createAccount().handle('guardduty', 'GetFindings', {
      DetectorId: DETECTOR,
      FindingIds: ['0123456789abcdef0123456789abcdef'],
    });

    expect(result).toEqual({ Findings: [] });
  });

  it('refuses a detector the account does not own, as AWS words it', async () => {
    const error = await failureOf(
      createAccount().handle('guardduty', 'GetFindings', {
        DetectorId: 'ffffffffffffffffffffffffffffffff',
        FindingIds: [GD_ID],
      }),
    );

    expect(error).toBeInstanceOf(SimulatedAwsError);
    expect(error).toMatchObject({
      awsCode: 'BadRequestException',
      message:
        'The request is rejected because the input detectorId is not owned by the current account.',
    });
  });

  it('refuses to archive an unknown id and archives nothing of that call', async () => {
    const account = createAccount();

    const error = await failureOf(
      account.handle('guardduty', 'ArchiveFindings', {
        DetectorId: DETECTOR,
        FindingIds: [GD_ID, '0123456789abcdef0123456789abcdef'],
      }),
    );

    expect(error).toMatchObject({ awsCode: 'BadRequestException' });
    expect(account.snapshot().findings).toContainEqual(
      expect.objectContaining({ findingId: GD_ID, archived: false }),
    );
  });

  it('refuses more than 50 finding ids', async () => {
    const FindingIds = Array.from({ length: 51 }, (_, i) => `id${i}`);

    const error = await failureOf(
      createAccount().handle('guardduty', 'GetFindings', { DetectorId: DETECTOR, FindingIds }),
    );

    expect(error).toMatchObject({ awsCode: 'BadRequestException' });
  });

  it('archives through the SDK client and throttles with TooManyRequestsException', async () => {
    const account = createAccount();
    const simulatedRetry = { maxAttempts: 1 };
    const guardDuty = createAwsClients({
      region: 'us-east-1',
      simulatedAccount: account,
      simulatedRetry,
    }).guardDuty();
    await guardDuty.send(new ArchiveFindingsCommand({ DetectorId: DETECTOR, FindingIds: [GD_ID] }));
    account.injectFault({ operation: 'guardduty:GetFindings', error: 'Throttling', times: 1 });
    const get = new GetFindingsCommand({ DetectorId: DETECTOR, FindingIds: [GD_ID] });

    const throttled = await guardDuty.send(get).catch((e: unknown) => e);
    const result = await guardDuty.send(get);

    expect(throttled).toBeInstanceOf(GuardDutyServiceException);
    expect(throttled).toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(result.Findings?.[0]?.Service?.Archived).toBe(true);
  });
});

describe('simulated Security Hub findings', () => {
  it('answers GetFindings filtered by Id and ProductArn with the ASFF finding', async () => {
    const account = createAccount();

    const found = await account.handle(
      'securityhub',
      'GetFindings',
      byIdAndProduct(SH_IDENTIFIER.Id, SH_IDENTIFIER.ProductArn),
    );
    const otherProduct = await account.handle(
      'securityhub',
      'GetFindings',
      byIdAndProduct(SH_IDENTIFIER.Id, 'arn:aws:securityhub:us-east-1::product/aws/guardduty'),
    );

    expect(found).toEqual({
      Findings: [
        expect.objectContaining({
          ...SH_IDENTIFIER,
          AwsAccountId: '123456789012',
          Types: [FINDING_IDS.securityHubType],
          Severity: { Label: 'INFORMATIONAL', Normalized: 0 },
          RecordState: 'ACTIVE',
          Workflow: { Status: 'NEW' },
          UpdatedAt: '2024-01-01T00:05:00.000Z',
        }),
      ],
    });
    expect(otherProduct).toEqual({ Findings: [] });
  });

  it('combines EQUALS and NOT_EQUALS filters as Security Hub does', async () => {
    const resolved = securityHubFindingSeed({
      findingId: 'resolved-1',
      workflowStatus: 'RESOLVED',
    });
    const account = new SimulatedAccount(createFindingSeed([securityHubFindingSeed(), resolved]));

    const open = (await account.handle('securityhub', 'GetFindings', {
      Filters: {
        RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        WorkflowStatus: [
          { Value: 'RESOLVED', Comparison: 'NOT_EQUALS' },
          { Value: 'SUPPRESSED', Comparison: 'NOT_EQUALS' },
        ],
      },
    })) as { Findings: { Id: string }[] };

    expect(open.Findings.map((f) => f.Id)).toEqual([SH_IDENTIFIER.Id]);
  });

  it('resolves a finding with BatchUpdateFindings and leaves UpdatedAt alone', async () => {
    const account = createAccount();

    const result = await account.handle('securityhub', 'BatchUpdateFindings', {
      FindingIdentifiers: [SH_IDENTIFIER],
      Workflow: { Status: 'RESOLVED' },
      Note: { Text: 'false positive, see INC-42', UpdatedBy: 'alice' },
    });
    const after = (await account.handle(
      'securityhub',
      'GetFindings',
      byIdAndProduct(SH_IDENTIFIER.Id, SH_IDENTIFIER.ProductArn),
    )) as { Findings: object[] };

    expect(result).toEqual({ ProcessedFindings: [SH_IDENTIFIER], UnprocessedFindings: [] });
    expect(after.Findings[0]).toMatchObject({
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ACTIVE',
      UpdatedAt: '2024-01-01T00:05:00.000Z',
      Note: { Text: 'false positive, see INC-42', UpdatedBy: 'alice' },
    });
  });

  it('reports unknown and repeated identifiers as unprocessed, with AWS codes', async () => {
    const account = createAccount();
    const unknown = { Id: 'no-such-finding', ProductArn: SH_IDENTIFIER.ProductArn };

    const result = await account.handle('securityhub', 'BatchUpdateFindings', {
      FindingIdentifiers: [unknown, SH_IDENTIFIER, SH_IDENTIFIER],
      Workflow: { Status: 'SUPPRESSED' },
    });

    expect(result).toEqual({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: unknown,
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding Not Found',
        },
        {
          FindingIdentifier: SH_IDENTIFIER,
          ErrorCode: 'DuplicatedFindingIdentifier',
          ErrorMessage: 'Finding Identifier is duplicated',
        },
        {
          FindingIdentifier: SH_IDENTIFIER,
          ErrorCode: 'DuplicatedFindingIdentifier',
          ErrorMessage: 'Finding Identifier is duplicated',
        },
      ],
    });
    expect(account.snapshot().findings).toContainEqual(
      expect.objectContaining({ source: 'securityhub', workflowStatus: 'NEW' }),
    );
  });

  it('refuses an unknown workflow status with InvalidInputException', async () => {
    const error = await failureOf(
      createAccount().handle('securityhub', 'BatchUpdateFindings', {
        FindingIdentifiers: [SH_IDENTIFIER],
        Workflow: { Status: 'CLOSED' },
      }),
    );

    expect(error).toMatchObject({ awsCode: 'InvalidInputException' });
  });

  it('says which filters and update fields it does not simulate', async () => {
    const account = createAccount();

    const filter = await failureOf(
      account.handle('securityhub', 'GetFindings', {
        Filters: { ResourceTags: [{ Key: 'env', Value: 'prod', Comparison: 'EQUALS' }] },
      }),
    );
    const update = await failureOf(
      account.handle('securityhub', 'BatchUpdateFindings', {
        FindingIdentifiers: [SH_IDENTIFIER],
        Confidence: 80,
      }),
    );

    expect(filter).toBeInstanceOf(SimulatedOperationUnsupportedError);
    expect(filter).toMatchObject({ code: 'SIMULATED_OPERATION_UNSUPPORTED' });
    expect((filter as Error).message).toContain('securityhub:GetFindings filter ResourceTags');
    expect((update as Error).message).toContain('BatchUpdateFindings field Confidence');
  });
});

describe('findings in the seed', () => {
  it('fills in titles and times from the type and the start time', () => {
    const seed = createFindingSeed([guardDutyFindingSeed({ updatedAt: undefined })]);

    const [finding] = new SimulatedAccount(seed).snapshot().findings;

    expect(finding).toMatchObject({
      title: FINDING_IDS.guardDutyType,
      archived: false,
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
  });

  it('refuses a finding seeded twice in one detector and names the path', () => {
    const seed = createFindingSeed([guardDutyFindingSeed(), guardDutyFindingSeed()]);

    const create = () => new SimulatedAccount(seed);

    expect(create).toThrow(SimulatedAccountSeedError);
    expect(create).toThrow(`findings.1.findingId: ${GD_ID} is seeded twice in ${DETECTOR}`);
  });

  it('refuses a Security Hub finding whose product ARN is malformed', () => {
    const seed = createFindingSeed([securityHubFindingSeed({ productArn: 'securityhub' })]);

    expect(() => new SimulatedAccount(seed)).toThrow(
      /findings\.0\.productArn: expected a Security Hub product ARN/,
    );
  });

  it('reads a state saved before findings were simulated as holding none', async () => {
    const account = createAccount();
    const saved = account.exportState();
    const { findings: _dropped, ...older } = saved.state;

    account.importState({ ...saved, state: older as typeof saved.state });

    expect(account.snapshot().findings).toEqual([]);
    await expect(account.handle('securityhub', 'GetFindings', {})).resolves.toEqual({
      Findings: [],
    });
  });
});
