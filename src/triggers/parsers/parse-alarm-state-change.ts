import type { AlarmEvent } from '../trigger-event.js';
import { summariseMetrics, toAlarmState } from './alarm-metrics.js';
import type { AlarmMetricSummary } from './alarm-metrics.js';
import {
  field,
  list,
  parseJsonSafely,
  splitArn,
  text,
  toAccountId,
  toArn,
  toIsoTime,
  toRegionCode,
  withoutUndefined,
} from './json-fields.js';
import type { JsonObject } from './json-fields.js';

/** EventBridge `detail-type` of a CloudWatch alarm state change. */
export const DETAIL_TYPE_ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

/** True for an EventBridge "CloudWatch Alarm State Change" event. */
export function isAlarmStateChangeEvent(json: JsonObject): boolean {
  return field(json, 'detail-type') === DETAIL_TYPE_ALARM_STATE_CHANGE;
}

/** True for the payload CloudWatch sends when a Lambda function is the alarm action. */
export function isLambdaAlarmAction(json: JsonObject): boolean {
  return field(json, 'source') === 'aws.cloudwatch' && field(json, 'alarmData') !== undefined;
}

function summarise(configuration: unknown): AlarmMetricSummary {
  if (text(configuration, 'alarmRule') !== undefined) {
    return { alarmType: 'composite', dimensions: {} };
  }
  return summariseMetrics(list(configuration, 'metrics'));
}

/** Composite alarms list their triggering children in `reasonData`, which is not always JSON. */
function toTriggeringAlarmArns(summary: AlarmMetricSummary, state: unknown): string[] | undefined {
  if (summary.alarmType !== 'composite') return undefined;
  const reasonData = parseJsonSafely(field(state, 'reasonData'));
  const children = list(reasonData, 'triggeringAlarms');
  const arns = children.flatMap((child) => toArn(field(child, 'arn')) ?? []);
  return arns.length > 0 ? arns : undefined;
}

interface AlarmEnvelope {
  readonly data: unknown;
  readonly alarmArn?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly time?: string;
}

function toAlarmEvent(json: JsonObject, envelope: AlarmEnvelope): AlarmEvent | undefined {
  const { data } = envelope;
  const alarmName = text(data, 'alarmName');
  const state = field(data, 'state');
  const newState = toAlarmState(field(state, 'value'));
  if (alarmName === undefined || newState === undefined) return undefined;

  const fromArn = splitArn(envelope.alarmArn);
  const summary = summarise(field(data, 'configuration'));
  return withoutUndefined<AlarmEvent>({
    kind: 'alarm',
    alarmName,
    alarmArn: envelope.alarmArn,
    alarmType: summary.alarmType,
    newState,
    oldState: toAlarmState(field(data, 'previousState', 'value')),
    reason: text(state, 'reason'),
    namespace: summary.namespace,
    metricName: summary.metricName,
    dimensions: summary.dimensions,
    accountId: envelope.accountId ?? fromArn?.accountId,
    region: envelope.region ?? fromArn?.region,
    triggeringAlarmArns: toTriggeringAlarmArns(summary, state),
    time: toIsoTime(field(state, 'timestamp')) ?? envelope.time,
    alarm: json,
  });
}

/**
 * Parses an EventBridge "CloudWatch Alarm State Change" event (metric, metric math, anomaly
 * detection, composite). The alarm ARN comes from `resources`. Returns undefined when the
 * alarm name or new state is missing.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export function parseAlarmStateChangeEvent(json: JsonObject): AlarmEvent | undefined {
  const alarmArn = list(json, 'resources')
    .map(toArn)
    .find((arn) => arn?.includes(':alarm:') === true);
  return toAlarmEvent(json, {
    data: field(json, 'detail'),
    alarmArn,
    accountId: toAccountId(field(json, 'account')),
    region: toRegionCode(field(json, 'region')),
    time: toIsoTime(field(json, 'time')),
  });
}

/**
 * Parses the payload CloudWatch sends to a Lambda alarm action (`source`, `alarmArn`,
 * `alarmData`). Tolerates what the AWS docs print: spaces inside timestamps and ARNs, and a
 * `reasonData` that is not JSON.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions-Lambda
 */
export function parseLambdaAlarmAction(json: JsonObject): AlarmEvent | undefined {
  return toAlarmEvent(json, {
    data: field(json, 'alarmData'),
    alarmArn: toArn(field(json, 'alarmArn')),
    accountId: toAccountId(field(json, 'accountId')),
    region: toRegionCode(field(json, 'region')),
    time: toIsoTime(field(json, 'time')),
  });
}
