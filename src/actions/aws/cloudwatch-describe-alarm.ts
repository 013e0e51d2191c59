import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields } from './aws-input-schemas.js';
import { alarmNameSchema, findAlarm } from './find-alarm.js';

const inputSchema = z.strictObject({ alarmName: alarmNameSchema, ...awsStepFields });

/** Input of `aws.cloudwatch.describeAlarm`. */
export type DescribeAlarmInput = z.output<typeof inputSchema>;

/** One query of a metric-math alarm. */
export interface AlarmQuery {
  id: string;
  expression?: string;
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    stat: string;
    periodSeconds: number;
  };
  returnData: boolean;
}

/** What `aws.cloudwatch.describeAlarm` reports. */
export interface DescribeAlarmOutput {
  alarmName: string;
  alarmArn?: string;
  description?: string;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  state: string;
  stateReason?: string;
  /** When the alarm last changed state (ISO). */
  stateUpdatedAt?: string;
  comparisonOperator?: string;
  threshold?: number;
  evaluationPeriods?: number;
  /** Single-metric alarms. */
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    statistic: string;
    periodSeconds: number;
  };
  /** Metric-math alarms. */
  queries?: AlarmQuery[];
}

function toDimensions(list: { Name?: string; Value?: string }[] | undefined) {
  return Object.fromEntries((list ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
}

/** The alarm as plain JSON for step outputs. */
export function toAlarmOutput(alarm: MetricAlarm): DescribeAlarmOutput {
  const single = alarm.Metrics === undefined || alarm.Metrics.length === 0;
  return {
    alarmName: alarm.AlarmName ?? '',
    alarmArn: alarm.AlarmArn,
    description: alarm.AlarmDescription,
    state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
    stateReason: alarm.StateReason,
    stateUpdatedAt: alarm.StateUpdatedTimestamp?.toISOString(),
    comparisonOperator: alarm.ComparisonOperator,
    threshold: alarm.Threshold,
    evaluationPeriods: alarm.EvaluationPeriods,
    ...(single
      ? {
          metric: {
            namespace: alarm.Namespace ?? '',
            metricName: alarm.MetricName ?? '',
            dimensions: toDimensions(alarm.Dimensions),
            statistic: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average',
            periodSeconds: alarm.Period ?? 60,
          },
        }
      : {
          queries: (alarm.Metrics ?? []).map((q) => ({
            id: q.Id ?? '',
            ...(q.Expression === undefined ? {} : { expression: q.Expression }),
            ...(q.MetricStat === undefined
              ? {}
              : {
                  metric: {
                    namespace: q.MetricStat.Metric?.Namespace ?? '',
                    metricName: q.MetricStat.Metric?.MetricName ?? '',
                    dimensions: toDimensions(q.MetricStat.Metric?.Dimensions),
                    stat: q.MetricStat.Stat ?? 'Average',
                    periodSeconds: q.MetricStat.Period ?? 60,
                  },
                }),
            returnData: q.ReturnData ?? true,
          })),
        }),
  };
}

/**
 * `aws.cloudwatch.describeAlarm`: a metric alarm's state, reason, threshold and metric (or
 * metric-math queries). Read-only, so a second delivery is harmless.
 */
export const cloudWatchDescribeAlarm: ActionDefinition<DescribeAlarmInput, DescribeAlarmOutput> = {
  id: 'aws.cloudwatch.describeAlarm',
  summary: 'Describe a CloudWatch metric alarm: state, reason, threshold, metric or math',
  input: inputSchema,
  iamActions: ['cloudwatch:DescribeAlarms'],
  mutating: false,
  idempotency: 'safe',

  async run(input, context) {
    return toAlarmOutput(await findAlarm(context.aws.cloudWatch(), input.alarmName));
  },
};
