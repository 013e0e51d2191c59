import type { AlarmEvent } from '../trigger-event.js';
import { field, isObject, text } from './json-fields.js';

type AlarmState = AlarmEvent['newState'];
type AlarmType = AlarmEvent['alarmType'];

const ALARM_STATES: readonly string[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/** An alarm state as CloudWatch spells it, or undefined. */
export function toAlarmState(value: unknown): AlarmState | undefined {
  return typeof value === 'string' && ALARM_STATES.includes(value)
    ? (value as AlarmState)
    : undefined;
}

/** What an alarm watches, reduced to the fields trigger rules match on. */
export interface AlarmMetricSummary {
  readonly alarmType: AlarmType;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** One metric query of an alarm, in either casing (SNS `MetricStat`, EventBridge `metricStat`). */
interface MetricQuery {
  readonly expression?: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * Dimensions as SNS sends them (`[{"value":..,"name":..}]`, either key casing) or as EventBridge
 * sends them (`{"InstanceId":"i-..."}`), as a name-to-value map. The first value for a name wins.
 */
export function toDimensions(raw: unknown): Record<string, string> {
  const dimensions: Record<string, string> = {};
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || name === '' || Object.hasOwn(dimensions, name)) return;
    if (typeof value === 'string' || typeof value === 'number') {
      Object.defineProperty(dimensions, name, {
        value: String(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  };

  if (Array.isArray(raw)) {
    for (const entry of raw) {
      add(
        field(entry, 'name') ?? field(entry, 'Name'),
        field(entry, 'value') ?? field(entry, 'Value'),
      );
    }
  } else if (isObject(raw)) {
    for (const [name, value] of Object.entries(raw)) add(name, value);
  }
  return dimensions;
}

function toMetricQuery(raw: unknown): MetricQuery {
  const metric = field(raw, 'MetricStat', 'Metric') ?? field(raw, 'metricStat', 'metric');
  return {
    expression: text(raw, 'Expression') ?? text(raw, 'expression'),
    namespace: text(metric, 'Namespace') ?? text(metric, 'namespace'),
    metricName: text(metric, 'MetricName') ?? text(metric, 'name'),
    dimensions: toDimensions(field(metric, 'Dimensions') ?? field(metric, 'dimensions')),
  };
}

function onlyValue(values: readonly (string | undefined)[]): string | undefined {
  const distinct = new Set(values.filter((value) => value !== undefined));
  return distinct.size === 1 ? [...distinct][0] : undefined;
}

/**
 * Summarises an alarm's `Metrics` list (SNS `Trigger.Metrics`, EventBridge
 * `configuration.metrics`). An `ANOMALY_DETECTION_BAND` expression makes it an anomaly-detection
 * alarm, any other expression metric math. Namespace and metric name are given only when every
 * metric in the list shares one; dimensions are merged, first value winning.
 */
export function summariseMetrics(rawMetrics: readonly unknown[]): AlarmMetricSummary {
  const queries = rawMetrics.map(toMetricQuery);
  const expressions = queries.flatMap((query) => query.expression ?? []);
  const isAnomaly = expressions.some((expression) =>
    /ANOMALY_DETECTION_BAND\s*\(/i.test(expression),
  );
  const alarmType: AlarmType = isAnomaly
    ? 'anomaly-detection'
    : expressions.length > 0
      ? 'metric-math'
      : 'metric';

  const stats = queries.filter((query) => query.expression === undefined);
  const pairs = stats.flatMap((query) =>
    Object.entries(query.dimensions).map(([name, value]) => ({ name, value })),
  );
  return {
    alarmType,
    namespace: onlyValue(stats.map((query) => query.namespace)),
    metricName: onlyValue(stats.map((query) => query.metricName)),
    dimensions: toDimensions(pairs),
  };
}
