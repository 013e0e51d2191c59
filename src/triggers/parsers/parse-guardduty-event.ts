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

/** EventBridge `detail-type` of a GuardDuty finding. */
export const DETAIL_TYPE_GUARDDUTY_FINDING = 'GuardDuty Finding';
/** EventBridge `detail-type` of a GuardDuty Malware Protection for S3 scan result. */
export const DETAIL_TYPE_GUARDDUTY_OBJECT_SCAN = 'GuardDuty Malware Protection Object Scan Result';

/** True for the GuardDuty EventBridge events {@link parseGuardDutyEvent} reads. */
export function isGuardDutyEvent(json: JsonObject): boolean {
  const detailType = field(json, 'detail-type');
  return (
    detailType === DETAIL_TYPE_GUARDDUTY_FINDING || detailType === DETAIL_TYPE_GUARDDUTY_OBJECT_SCAN
  );
}

function toInstanceIds(resource: unknown): string[] {
  const id = text(resource, 'instanceDetails', 'instanceId');
  return id !== undefined && /^i-[0-9a-z]+$/.test(id) ? [id] : [];
}

/** The detector: `service.detectorId`, else the one named in the finding's ARN. */
function toDetectorId(detail: unknown): string | undefined {
  const fromArn = /:detector\/([^/]+)\/finding\//.exec(text(detail, 'arn') ?? '')?.[1];
  return text(detail, 'service', 'detectorId') ?? fromArn;
}

function parseFinding(json: JsonObject, detail: unknown): FindingEvent | undefined {
  const findingType = text(detail, 'type');
  if (findingType === undefined) return undefined;

  const resource = field(detail, 'resource');
  return withoutUndefined<FindingEvent>({
    kind: 'finding',
    source: 'guardduty',
    findingId: text(detail, 'id'),
    detectorId: toDetectorId(detail),
    findingType,
    severity: numeric(detail, 'severity'),
    title: text(detail, 'title'),
    accountId: toAccountId(field(detail, 'accountId')) ?? toAccountId(field(json, 'account')),
    region: toRegionCode(field(detail, 'region')) ?? toRegionCode(field(json, 'region')),
    resourceType: text(resource, 'resourceType'),
    instanceIds: toInstanceIds(resource),
    time: toIsoTime(field(json, 'time')) ?? toIsoTime(field(detail, 'updatedAt')),
    detailType: text(json, 'detail-type'),
    finding: detail,
  });
}

/**
 * A Malware Protection for S3 scan result is not a finding, but THREATS_FOUND is what a
 * runbook acts on. Its `findingType` is `MalwareProtection:S3Object/<scanResultStatus>`
 * (e.g. `MalwareProtection:S3Object/THREATS_FOUND`), a name of ours: GuardDuty reports the
 * same detection separately as an `Object:S3/MaliciousFile` finding.
 */
function parseObjectScan(json: JsonObject, detail: unknown): FindingEvent | undefined {
  const status = text(detail, 'scanResultDetails', 'scanResultStatus');
  if (status === undefined) return undefined;

  const bucket = text(detail, 's3ObjectDetails', 'bucketName');
  const key = text(detail, 's3ObjectDetails', 'objectKey');
  const threats = list(detail, 'scanResultDetails', 'threats').flatMap(
    (threat) => text(threat, 'name') ?? [],
  );
  const location = bucket === undefined ? '' : ` in s3://${bucket}/${key ?? ''}`;
  return withoutUndefined<FindingEvent>({
    kind: 'finding',
    source: 'guardduty',
    findingType: `MalwareProtection:S3Object/${status}`,
    title: `${status}${location}${threats.length > 0 ? `: ${threats.join(', ')}` : ''}`,
    accountId: toAccountId(field(json, 'account')),
    region: toRegionCode(field(json, 'region')),
    resourceType: text(detail, 'resourceType'),
    instanceIds: [],
    time: toIsoTime(field(json, 'time')),
    detailType: text(json, 'detail-type'),
    finding: detail,
  });
}

/**
 * Parses a GuardDuty EventBridge event: "GuardDuty Finding" (type, id, detector, severity
 * 0-10 as sent, instance ids) or "GuardDuty Malware Protection Object Scan Result". Masked
 * timestamps and account ids (`XXXX-XX-XXTXX:XX:XXZ`, `XXXXXXXXXXXX`) are left undefined.
 * Returns undefined when the event lacks the field that identifies it.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
 */
export function parseGuardDutyEvent(json: JsonObject): FindingEvent | undefined {
  const detail = field(json, 'detail');
  return field(json, 'detail-type') === DETAIL_TYPE_GUARDDUTY_OBJECT_SCAN
    ? parseObjectScan(json, detail)
    : parseFinding(json, detail);
}
