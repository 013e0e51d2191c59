import type { AlarmEvent } from '../trigger-event.js';
import { summariseMetrics, toAlarmState, toDimensions } from './alarm-metrics.js';
import type { AlarmMetricSummary } from './alarm-metrics.js';
import {
  field,
  list,
  splitArn,
  text,
  toAccountId,
  toArn,
  toIsoTime,
  toRegionCode,
  withoutUndefined,
} from './json-fields.js';
import type { JsonObject } from './json-fields.js';

/** True when `json` looks like the alarm JSON CloudWatch publishes to SNS. */
export function isCloudWatchAlarmMessage(json: JsonObject): boolean {
  return text(json, 'AlarmName') !== undefined && text(json, 'NewStateValue') !== undefined;
}

function summariseTrigger(json: JsonObject): AlarmMetricSummary {
  if (text(json, 'AlarmRule') !== undefined) return { alarmType: 'composite', dimensions: {} };

  const trigger = field(json, 'Trigger');
  const metrics = list(trigger, 'Metrics');
  if (metrics.length > 0) return summariseMetrics(metrics);
  return {
    alarmType: 'metric',
    namespace: text(trigger, 'Namespace'),
    metricName: text(trigger, 'MetricName'),
    dimensions: toDimensions(field(trigger, 'Dimensions')),
  };
}

function toTriggeringAlarmArns(json: JsonObject): string[] | undefined {
  if (field(json, 'TriggeringChildren') === undefined) return undefined;
  return list(json, 'TriggeringChildren').flatMap((child) => toArn(field(child, 'Arn')) ?? []);
}

/**
 * Parses the alarm JSON CloudWatch publishes to SNS: single metric (`Trigger.MetricName`),
 * metric math (`Trigger.Metrics`, no metric name), anomaly detection (`ANOMALY_DETECTION_BAND`),
 * and composite (`AlarmRule`, `TriggeringChildren`). Returns undefined when the name or new
 * state is missing or not a CloudWatch state.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export function parseCloudWatchAlarmMessage(json: JsonObject): AlarmEvent | undefined {
  const alarmName = text(json, 'AlarmName');
  const newState = toAlarmState(field(json, 'NewStateValue'));
  if (alarmName === undefined || newState === undefined) return undefined;

  const alarmArn = toArn(field(json, 'AlarmArn'));
  const fromArn = splitArn(alarmArn);
  const summary = summariseTrigger(json);
  return withoutUndefined<AlarmEvent>({
    kind: 'alarm',
    alarmName,
    alarmArn,
    alarmType: summary.alarmType,
    newState,
    oldState: toAlarmState(field(json, 'OldStateValue')),
    reason: text(json, 'NewStateReason'),
    namespace: summary.namespace,
    metricName: summary.metricName,
    dimensions: summary.dimensions,
    accountId: toAccountId(field(json, 'AWSAccountId')) ?? fromArn?.accountId,
    region: fromArn?.region ?? toRegionCode(field(json, 'Region')),
    regionName: text(json, 'Region'),
    triggeringAlarmArns: toTriggeringAlarmArns(json),
    time: toIsoTime(field(json, 'StateChangeTime')),
    alarm: json,
  });
}
