import type { FindingEvent } from '../trigger-event.js';
import {
  field,
  list,
  numeric,
  text,
  toAccountId,
  toIsoTime,
  toRegionCode,
  withoutUndefined,
} from './json-fields.js';
import type { JsonObject } from './json-fields.js';

const SEVERITY_LABELS: readonly string[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** True for an EventBridge event that carries ASFF findings in `detail.findings`. */
export function isSecurityHubEvent(json: JsonObject): boolean {
  const detailType = field(json, 'detail-type');
  return typeof detailType === 'string' && detailType.startsWith('Security Hub Findings');
}

function toSeverityLabel(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const label = value.trim().toUpperCase();
  return SEVERITY_LABELS.includes(label) ? label : undefined;
}

/** ASFF's documented mapping from `Severity.Normalized` (0-100) to a label. */
function labelFromNormalized(normalized: number | undefined): string | undefined {
  if (normalized === undefined) return undefined;
  if (normalized >= 90) return 'CRITICAL';
  if (normalized >= 70) return 'HIGH';
  if (normalized >= 40) return 'MEDIUM';
  if (normalized >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

function toInstanceIds(resources: readonly unknown[]): string[] {
  const ids = resources
    .filter((resource) => field(resource, 'Type') === 'AwsEc2Instance')
    .flatMap(
      (resource) => /(?:^|\/)(i-[0-9a-f]{8,17})$/.exec(text(resource, 'Id') ?? '')?.[1] ?? [],
    );
  return [...new Set(ids)];
}

/**
 * Parses a Security Hub EventBridge event ("Findings - Imported" or "Findings - Custom
 * Action") from its first ASFF finding. `severity` is `Severity.Normalized` / 10; the label
 * is `Severity.Label`, else the `aws/securityhub/SeverityLabel` product field, else derived
 * from `Normalized`. A finding without `Id` or `GeneratorId` still parses. Returns undefined
 * when there is no finding.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html
 */
export function parseSecurityHubEvent(json: JsonObject): FindingEvent | undefined {
  const finding = list(json, 'detail', 'findings')[0];
  if (finding === undefined || finding === null || typeof finding !== 'object') return undefined;

  const normalized = numeric(finding, 'Severity', 'Normalized');
  const productFields = field(finding, 'ProductFields');
  const resources = list(finding, 'Resources');
  const findingType =
    text(finding, 'Types', 0) ??
    text(finding, 'GeneratorId') ??
    text(finding, 'Title') ??
    'Unknown';
  return withoutUndefined<FindingEvent>({
    kind: 'finding',
    source: 'securityhub',
    findingId: text(finding, 'Id'),
    findingType,
    severity: normalized === undefined ? undefined : normalized / 10,
    severityLabel:
      toSeverityLabel(field(finding, 'Severity', 'Label')) ??
      toSeverityLabel(field(productFields, 'aws/securityhub/SeverityLabel')) ??
      labelFromNormalized(normalized),
    title: text(finding, 'Title'),
    accountId: toAccountId(field(finding, 'AwsAccountId')) ?? toAccountId(field(json, 'account')),
    region:
      toRegionCode(field(finding, 'Region')) ??
      toRegionCode(field(json, 'region')) ??
      toRegionCode(field(resources[0], 'Region')),
    resourceType: text(resources[0], 'Type'),
    instanceIds: toInstanceIds(resources),
    productArn: text(finding, 'ProductArn'),
    productName: text(finding, 'ProductName') ?? text(productFields, 'aws/securityhub/ProductName'),
    time: toIsoTime(field(json, 'time')) ?? toIsoTime(field(finding, 'UpdatedAt')),
    detailType: text(json, 'detail-type'),
    finding,
  });
}
