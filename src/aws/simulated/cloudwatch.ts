import type {
  DescribeAlarmsInput,
  DescribeAlarmsOutput,
  GetMetricDataInput,
  GetMetricDataOutput,
  MetricAlarm,
  MetricDataQuery,
  MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { evaluateMetricMath } from './metric-math.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedAlarm } from './simulated-account-state.js';

type Series = Map<number, number>;

function toDimensions(dimensions: Record<string, string> | undefined) {
  return Object.entries(dimensions ?? {}).map(([Name, Value]) => ({ Name, Value }));
}

function toMetricAlarm(context: SimulatedContext, alarm: SimulatedAlarm): MetricAlarm {
  const { region, accountId } = context.state;
  return {
    AlarmName: alarm.alarmName,
    AlarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${alarm.alarmName}`,
    AlarmDescription: alarm.alarmDescription,
    StateValue: alarm.stateValue,
    StateReason: alarm.stateReason,
    StateUpdatedTimestamp: new Date(alarm.stateUpdatedTimestamp),
    ComparisonOperator: alarm.comparisonOperator as MetricAlarm['ComparisonOperator'],
    Threshold: alarm.threshold,
    EvaluationPeriods: alarm.evaluationPeriods,
    ActionsEnabled: true,
    ...(alarm.metrics === undefined
      ? {
          Namespace: alarm.namespace,
          MetricName: alarm.metricName,
          Dimensions: toDimensions(alarm.dimensions),
          Statistic: alarm.statistic as MetricAlarm['Statistic'],
          Period: alarm.periodSeconds,
        }
      : {
          Metrics: alarm.metrics.map((q) => ({
            Id: q.id,
            Expression: q.expression,
            Label: q.label,
            ReturnData: q.returnData,
            MetricStat:
              q.metric === undefined
                ? undefined
                : {
                    Metric: {
                      Namespace: q.metric.namespace,
                      MetricName: q.metric.metricName,
                      Dimensions: toDimensions(q.metric.dimensions),
                    },
                    Stat: q.metric.stat,
                    Period: q.metric.periodSeconds,
                  },
          })),
        }),
  };
}

function aggregate(values: number[], stat: string): number {
  if (stat === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'Minimum') return Math.min(...values);
  if (stat === 'SampleCount') return values.length;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function statSeries(
  context: SimulatedContext,
  query: MetricDataQuery,
  startMs: number,
  endMs: number,
): Series {
  const stat = query.MetricStat;
  const metric = stat?.Metric;
  const periodMs = (stat?.Period ?? 60) * 1000;
  const wanted = Object.fromEntries(
    (metric?.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']),
  );
  const found = context.state.metrics.find(
    (m) =>
      m.namespace === metric?.Namespace &&
      m.metricName === metric?.MetricName &&
      JSON.stringify(Object.entries(m.dimensions).sort()) ===
        JSON.stringify(Object.entries(wanted).sort()),
  );
  const buckets = new Map<number, number[]>();
  for (const point of found?.datapoints ?? []) {
    const atMs = Date.parse(point.timestamp);
    if (atMs < startMs || atMs >= endMs) continue;
    const bucket = startMs + Math.floor((atMs - startMs) / periodMs) * periodMs;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
  }
  return new Map(
    [...buckets].map(([at, values]) => [at, aggregate(values, stat?.Stat ?? 'Average')]),
  );
}

function toResult(query: MetricDataQuery, series: Series): MetricDataResult {
  // CloudWatch returns the newest data point first unless ScanBy says otherwise.
  const times = [...series.keys()].sort((a, b) => b - a);
  return {
    Id: query.Id,
    Label: query.Label ?? query.MetricStat?.Metric?.MetricName ?? query.Id,
    Timestamps: times.map((t) => new Date(t)),
    Values: times.map((t) => series.get(t) as number),
    StatusCode: 'Complete',
  };
}

/** Operations of the simulated CloudWatch: alarms and metric data. */
export const cloudWatchOperations = {
  DescribeAlarms(context: SimulatedContext, input: DescribeAlarmsInput): DescribeAlarmsOutput {
    const alarms = context.state.alarms.filter(
      (a) =>
        (input.AlarmNames === undefined || input.AlarmNames.includes(a.alarmName)) &&
        (input.AlarmNamePrefix === undefined || a.alarmName.startsWith(input.AlarmNamePrefix)) &&
        (input.StateValue === undefined || a.stateValue === input.StateValue),
    );
    return { MetricAlarms: alarms.map((a) => toMetricAlarm(context, a)), CompositeAlarms: [] };
  },

  GetMetricData(context: SimulatedContext, input: GetMetricDataInput): GetMetricDataOutput {
    const startMs = input.StartTime?.getTime();
    const endMs = input.EndTime?.getTime();
    if (startMs === undefined || endMs === undefined || startMs >= endMs) {
      throw awsError(
        'InvalidParameterValue',
        'The parameter StartTime must be less than the parameter EndTime.',
      );
    }
    const queries = input.MetricDataQueries ?? [];
    const series = new Map<string, Series>();
    for (const query of queries.filter((q) => q.MetricStat !== undefined)) {
      series.set(query.Id ?? '', statSeries(context, query, startMs, endMs));
    }
    for (const query of queries.filter((q) => q.Expression !== undefined)) {
      const times = new Set([...series.values()].flatMap((s) => [...s.keys()]));
      const result: Series = new Map();
      for (const at of times) {
        const values = Object.fromEntries([...series].map(([id, s]) => [id, s.get(at)]));
        const value = evaluateMetricMath(query.Expression ?? '', values);
        if (value !== undefined && Number.isFinite(value)) result.set(at, value);
      }
      series.set(query.Id ?? '', result);
    }
    const returned = queries.filter((q) => q.ReturnData !== false);
    return {
      MetricDataResults: returned.map((q) => toResult(q, series.get(q.Id ?? '') ?? new Map())),
      Messages: [],
    };
  },
} satisfies SimulatedOperationTable;
