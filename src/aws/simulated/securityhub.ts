import type {
  AwsSecurityFinding,
  AwsSecurityFindingFilters,
  AwsSecurityFindingIdentifier,
  BatchUpdateFindingsRequest,
  BatchUpdateFindingsResponse,
  BatchUpdateFindingsUnprocessedFinding,
  GetFindingsRequest,
  GetFindingsResponse,
  StringFilter,
} from '@aws-sdk/client-securityhub';
import { SimulatedOperationUnsupportedError } from '../errors.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type {
  SimulatedSecurityHubFinding,
  SimulatedSeverityLabel,
  SimulatedWorkflowStatus,
} from './simulated-account-state.js';

/** API limits: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetFindings.html */
const MAX_RESULTS = 100;
const MAX_UPDATE_IDENTIFIERS = 100;
const MAX_NOTE_LENGTH = 512;

const WORKFLOW_STATUSES: readonly string[] = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];
const SEVERITY_LABELS: readonly string[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** ASFF's normalized score for each label (the low end of the label's range). */
const NORMALIZED_SEVERITY: Record<SimulatedSeverityLabel, number> = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 40,
  HIGH: 70,
  CRITICAL: 90,
};

const POSITIVE_COMPARISONS = new Set(['EQUALS', 'PREFIX', 'CONTAINS']);
const NEGATIVE_COMPARISONS = new Set(['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS']);

type FilterField = (
  finding: SimulatedSecurityHubFinding,
  context: SimulatedContext,
) => readonly string[];

/** The string filters the simulation answers, and the values each one looks at. */
const FILTER_FIELDS: Readonly<Record<string, FilterField>> = {
  Id: (f) => [f.findingId],
  ProductArn: (f) => [f.productArn],
  GeneratorId: (f) => [f.generatorId],
  AwsAccountId: (_f, context) => [context.state.accountId],
  Region: (_f, context) => [context.state.region],
  Type: (f) => f.types,
  Title: (f) => [f.title],
  SeverityLabel: (f) => [f.severityLabel],
  RecordState: (f) => [f.recordState],
  WorkflowStatus: (f) => [f.workflowStatus],
};

function invalidInput(message: string): Error {
  return awsError('InvalidInputException', message);
}

function unsupported(what: string): Error {
  return new SimulatedOperationUnsupportedError('securityhub', what);
}

function findingsOf(context: SimulatedContext): SimulatedSecurityHubFinding[] {
  return context.state.findings.filter((f) => f.source === 'securityhub');
}

function compare(value: string, filter: StringFilter): boolean {
  const wanted = filter.Value ?? '';
  switch (filter.Comparison) {
    case 'EQUALS':
    case 'NOT_EQUALS':
      return value === wanted;
    case 'PREFIX':
    case 'PREFIX_NOT_EQUALS':
      return value.startsWith(wanted);
    default:
      return value.includes(wanted);
  }
}

/**
 * One field's filters, as Security Hub combines them: a finding matches any of the EQUALS,
 * PREFIX and CONTAINS filters, and none of the negated ones.
 */
function matchesField(values: readonly string[], filters: readonly StringFilter[]): boolean {
  const positive = filters.filter((f) => POSITIVE_COMPARISONS.has(f.Comparison ?? ''));
  const negative = filters.filter((f) => NEGATIVE_COMPARISONS.has(f.Comparison ?? ''));
  const hits = (filter: StringFilter) => values.some((value) => compare(value, filter));
  return (positive.length === 0 || positive.some(hits)) && !negative.some(hits);
}

/** The filters in use, each with the values it reads; refuses what is not simulated. */
function toFieldFilters(filters: AwsSecurityFindingFilters): [FilterField, StringFilter[]][] {
  const used = Object.entries(filters).filter(
    (entry): entry is [string, StringFilter[]] => Array.isArray(entry[1]) && entry[1].length > 0,
  );
  return used.map(([name, list]) => {
    const field = FILTER_FIELDS[name];
    if (field === undefined) throw unsupported(`GetFindings filter ${name}`);
    for (const filter of list) {
      const comparison = filter.Comparison ?? '';
      if (filter.Value === undefined || comparison === '') {
        throw invalidInput(`Invalid filter ${name}: Value and Comparison are required`);
      }
      const known = POSITIVE_COMPARISONS.has(comparison) || NEGATIVE_COMPARISONS.has(comparison);
      if (!known) throw unsupported(`GetFindings comparison ${comparison}`);
    }
    return [field, list];
  });
}

function toFinding(context: SimulatedContext, finding: SimulatedSecurityHubFinding) {
  const { region, accountId } = context.state;
  const note =
    finding.note === undefined
      ? {}
      : {
          Note: {
            Text: finding.note.text,
            UpdatedBy: finding.note.updatedBy,
            UpdatedAt: finding.note.updatedAt,
          },
        };
  return {
    SchemaVersion: '2018-10-08',
    Id: finding.findingId,
    ProductArn: finding.productArn,
    GeneratorId: finding.generatorId,
    AwsAccountId: accountId,
    Region: region,
    Types: [...finding.types],
    CreatedAt: finding.createdAt,
    UpdatedAt: finding.updatedAt,
    Severity: {
      Label: finding.severityLabel,
      Normalized: NORMALIZED_SEVERITY[finding.severityLabel],
    },
    Title: finding.title,
    Description: finding.description,
    Resources: finding.resources.map((r) => ({
      Type: r.type,
      Id: r.id,
      Partition: 'aws',
      Region: region,
    })),
    RecordState: finding.recordState,
    Workflow: { Status: finding.workflowStatus },
    ...note,
  } satisfies AwsSecurityFinding;
}

function pageStart(nextToken: string | undefined): number {
  if (nextToken === undefined || nextToken === '') return 0;
  const start = Number(nextToken);
  if (!Number.isInteger(start) || start < 0) throw invalidInput('Invalid NextToken');
  return start;
}

/** The changes one BatchUpdateFindings request makes to each finding it names. */
function toUpdate(context: SimulatedContext, input: BatchUpdateFindingsRequest) {
  const { Workflow, Note, Severity, FindingIdentifiers: _identifiers, ...rest } = input;
  const other = Object.entries(rest).find(([, value]) => value !== undefined);
  if (other !== undefined) throw unsupported(`BatchUpdateFindings field ${other[0]}`);
  if (Workflow === undefined && Note === undefined && Severity === undefined) {
    throw invalidInput('At least one field to update must be specified');
  }

  const status = Workflow?.Status;
  if (Workflow !== undefined && !WORKFLOW_STATUSES.includes(status ?? '')) {
    throw invalidInput(`Invalid Workflow.Status: ${String(status)}`);
  }
  const label = Severity?.Label;
  if (Severity !== undefined && !SEVERITY_LABELS.includes(label ?? '')) {
    throw unsupported('BatchUpdateFindings Severity without a Label');
  }
  if (Note !== undefined) {
    const { Text = '', UpdatedBy = '' } = Note;
    const tooLong = Text.length > MAX_NOTE_LENGTH || UpdatedBy.length > MAX_NOTE_LENGTH;
    if (Text === '' || UpdatedBy === '' || tooLong) {
      throw invalidInput('Invalid Note: Text and UpdatedBy are required, 512 characters at most');
    }
  }
  return (finding: SimulatedSecurityHubFinding) => {
    if (status !== undefined) finding.workflowStatus = status as SimulatedWorkflowStatus;
    if (label !== undefined) finding.severityLabel = label as SimulatedSeverityLabel;
    if (Note?.Text !== undefined && Note.UpdatedBy !== undefined) {
      finding.note = { text: Note.Text, updatedBy: Note.UpdatedBy, updatedAt: context.now() };
    }
  };
}

function unprocessed(
  identifier: AwsSecurityFindingIdentifier,
  ErrorCode: string,
  ErrorMessage: string,
): BatchUpdateFindingsUnprocessedFinding {
  return { FindingIdentifier: identifier, ErrorCode, ErrorMessage };
}

/**
 * Operations of the simulated Security Hub: reading findings with string filters, and the
 * customer's side of a finding's life (workflow status, note, severity label).
 */
export const securityHubOperations = {
  /** Archived and resolved findings are included unless a filter leaves them out, as in AWS. */
  GetFindings(context: SimulatedContext, input: GetFindingsRequest): GetFindingsResponse {
    if (input.SortCriteria !== undefined && input.SortCriteria.length > 0) {
      throw unsupported('GetFindings SortCriteria');
    }
    const maxResults = input.MaxResults ?? MAX_RESULTS;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
      throw invalidInput('Invalid MaxResults: expected 1 to 100');
    }
    const start = pageStart(input.NextToken);
    const filters = toFieldFilters(input.Filters ?? {});

    const matching = findingsOf(context).filter((finding) =>
      filters.every(([field, list]) => matchesField(field(finding, context), list)),
    );
    const page = matching.slice(start, start + maxResults);
    const next = start + maxResults;
    return {
      Findings: page.map((f) => toFinding(context, f)),
      ...(next < matching.length ? { NextToken: String(next) } : {}),
    };
  },

  /**
   * Applies to each identified finding; unknown and repeated identifiers come back in
   * `UnprocessedFindings` with AWS's codes, and the others are still updated.
   */
  BatchUpdateFindings(
    context: SimulatedContext,
    input: BatchUpdateFindingsRequest,
  ): BatchUpdateFindingsResponse {
    const identifiers = input.FindingIdentifiers ?? [];
    if (identifiers.length === 0 || identifiers.length > MAX_UPDATE_IDENTIFIERS) {
      throw invalidInput('Invalid FindingIdentifiers: expected 1 to 100');
    }
    const apply = toUpdate(context, input);

    const findings = findingsOf(context);
    const keyOf = (i: AwsSecurityFindingIdentifier) => `${i.ProductArn ?? ''} ${i.Id ?? ''}`;
    const keys = identifiers.map(keyOf);
    const isRepeated = (key: string) => keys.indexOf(key) !== keys.lastIndexOf(key);
    const processed: AwsSecurityFindingIdentifier[] = [];
    const notProcessed: BatchUpdateFindingsUnprocessedFinding[] = [];
    for (const identifier of identifiers) {
      const finding = findings.find(
        (f) => f.findingId === identifier.Id && f.productArn === identifier.ProductArn,
      );
      if (isRepeated(keyOf(identifier))) {
        const message = 'Finding Identifier is duplicated';
        notProcessed.push(unprocessed(identifier, 'DuplicatedFindingIdentifier', message));
      } else if (finding === undefined) {
        notProcessed.push(unprocessed(identifier, 'FindingNotFound', 'Finding Not Found'));
      } else {
        apply(finding);
        processed.push({ Id: identifier.Id, ProductArn: identifier.ProductArn });
      }
    }
    return { ProcessedFindings: processed, UnprocessedFindings: notProcessed };
  },
} satisfies SimulatedOperationTable;
