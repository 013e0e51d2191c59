import type {
  ArchiveFindingsRequest,
  ArchiveFindingsResponse,
  Finding,
  GetFindingsRequest,
  GetFindingsResponse,
  UnarchiveFindingsRequest,
  UnarchiveFindingsResponse,
} from '@aws-sdk/client-guardduty';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedGuardDutyFinding } from './simulated-account-state.js';

/** GetFindings, ArchiveFindings and UnarchiveFindings take at most 50 ids. */
const MAX_FINDING_IDS = 50;

function badRequest(message: string): Error {
  return awsError('BadRequestException', `The request is rejected because ${message}.`);
}

function findingsOf(context: SimulatedContext): SimulatedGuardDutyFinding[] {
  return context.state.findings.filter((f) => f.source === 'guardduty');
}

/** The detector's findings; BadRequestException, as AWS answers, when it is not the account's. */
function detectorFindings(
  context: SimulatedContext,
  detectorId: string | undefined,
): SimulatedGuardDutyFinding[] {
  if (detectorId === undefined || detectorId === '') {
    throw badRequest('the parameter detectorId has an invalid value');
  }
  const all = findingsOf(context);
  if (!all.some((f) => f.detectorId === detectorId)) {
    throw badRequest('the input detectorId is not owned by the current account');
  }
  return all.filter((f) => f.detectorId === detectorId);
}

function checkFindingIds(findingIds: string[] | undefined): string[] {
  if (findingIds === undefined || findingIds.length === 0 || findingIds.length > MAX_FINDING_IDS) {
    throw badRequest('the parameter findingIds has an invalid value');
  }
  return findingIds;
}

function toFinding(context: SimulatedContext, finding: SimulatedGuardDutyFinding): Finding {
  const { region, accountId } = context.state;
  const detector = `arn:aws:guardduty:${region}:${accountId}:detector/${finding.detectorId}`;
  const instance =
    finding.instanceId === undefined ? {} : { InstanceDetails: { InstanceId: finding.instanceId } };
  return {
    AccountId: accountId,
    Arn: `${detector}/finding/${finding.findingId}`,
    CreatedAt: finding.createdAt,
    Description: finding.description,
    Id: finding.findingId,
    Partition: 'aws',
    Region: region,
    Resource: { ResourceType: finding.resourceType, ...instance },
    SchemaVersion: '2.0',
    Service: {
      Archived: finding.archived,
      Count: finding.count,
      DetectorId: finding.detectorId,
      EventFirstSeen: finding.createdAt,
      EventLastSeen: finding.updatedAt,
      ResourceRole: 'TARGET',
      ServiceName: 'guardduty',
    },
    Severity: finding.severity,
    Title: finding.title,
    Type: finding.type,
    UpdatedAt: finding.updatedAt,
  };
}

/**
 * Sets `archived` on the named findings. AWS does not document what it answers for an id the
 * detector does not hold; the simulation refuses it, so that a typo in an exercise shows.
 */
function setArchived(
  context: SimulatedContext,
  input: ArchiveFindingsRequest | UnarchiveFindingsRequest,
  archived: boolean,
): void {
  const findings = detectorFindings(context, input.DetectorId);
  const wanted = checkFindingIds(input.FindingIds);
  const unknown = wanted.filter((id) => !findings.some((f) => f.findingId === id));
  if (unknown.length > 0) throw badRequest('the parameter findingIds has an invalid value');
  for (const finding of findings) {
    if (wanted.includes(finding.findingId)) finding.archived = archived;
  }
}

/**
 * Operations of the simulated GuardDuty: reading findings and archiving them, as a responder
 * (or an exercise) closes one.
 */
export const guardDutyOperations = {
  /** Unknown finding ids are left out of the answer, as AWS does; archived ones are included. */
  GetFindings(context: SimulatedContext, input: GetFindingsRequest): GetFindingsResponse {
    const findings = detectorFindings(context, input.DetectorId);
    const wanted = [...new Set(checkFindingIds(input.FindingIds))];
    const found = wanted.flatMap((id) => findings.find((f) => f.findingId === id) ?? []);
    return { Findings: found.map((f) => toFinding(context, f)) };
  },

  ArchiveFindings(
    context: SimulatedContext,
    input: ArchiveFindingsRequest,
  ): ArchiveFindingsResponse {
    setArchived(context, input, true);
    return {};
  },

  UnarchiveFindings(
    context: SimulatedContext,
    input: UnarchiveFindingsRequest,
  ): UnarchiveFindingsResponse {
    setArchived(context, input, false);
    return {};
  },
} satisfies SimulatedOperationTable;
