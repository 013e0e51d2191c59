import {
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields } from './aws-input-schemas.js';
import { alarmNameSchema, findAlarm } from './find-alarm.js';

const inputSchema = z.strictObject({
  alarmName: alarmNameSchema,
  /** Minutes of data before the alarm's last state change. Default 60. */
  minutesBefore: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  /** Minutes of data after it (never past now). Default 15. */
  minutesAfter: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  ...awsStepFields,
});

/** Input of `aws.cloudwatch.getAlarmMetricData`. */
export type GetAlarmMetricDataInput = z.output<typeof inputSchema>;

/** One series of data points, oldest first. */
export interface MetricSeries {
  id: string;
  label: string;
  points: { timestamp: string; value: number }[];
}

/** The data around an alarm's transition. */
export interface GetAlarmMetricDataOutput {
  alarmName: string;
  state: string;
  /** The alarm's last state change (ISO), the centre of the window. */
  transitionAt: string;
  startTime: string;
  endTime: string;
  threshold?: number;
  /** Single-metric: one series `m1`. Metric math: every query, inputs and expressions. */
  series: MetricSeries[];
}

const MINUTE_MS = 60_000;

/** The alarm's metric as GetMetricData queries: every query of a metric-math alarm is returned. */
export function toAlarmQueries(alarm: MetricAlarm): MetricDataQuery[] {
  if (alarm.Metrics !== undefined && alarm.Metrics.length > 0) {
    return alarm.Metrics.map((query) => ({
      Id: query.Id,
      ...(query.Expression === undefined ? {} : { Expression: query.Expression }),
      ...(query.MetricStat === undefined ? {} : { MetricStat: query.MetricStat }),
      ...(query.Label === undefined ? {} : { Label: query.Label }),
      ReturnData: true,
    }));
  }
  return [
    {
      Id: 'm1',
      MetricStat: {
        Metric: {
          Namespace: alarm.Namespace,
          MetricName: alarm.MetricName,
          Dimensions: alarm.Dimensions,
        },
        Stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average',
        Period: alarm.Period ?? 60,
      },
      ReturnData: true,
    },
  ];
}

/**
 * `aws.cloudwatch.getAlarmMetricData`: the metric data around an alarm's last state change,
 * for the single metric of a plain alarm or for every query (inputs and expressions) of a
 * metric-math alarm. Read-only, so a second delivery is harmless (its window is anchored on the
 * transition time, so it reads the same data).
 */
export const cloudWatchGetAlarmMetricData: ActionDefinition<
  GetAlarmMetricDataInput,
  GetAlarmMetricDataOutput
> = {
  id: 'aws.cloudwatch.getAlarmMetricData',
  summary: "Fetch a CloudWatch alarm's metric data around its last state change",
  input: inputSchema,
  iamActions: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
  mutating: false,
  idempotency: 'safe',

  async run(input, context) {
    const cloudWatch = context.aws.cloudWatch();
    const alarm = await findAlarm(cloudWatch, input.alarmName);
    const transitionMs = alarm.StateUpdatedTimestamp?.getTime() ?? context.clock.now();
    const startMs = transitionMs - input.minutesBefore * MINUTE_MS;
    const endMs = Math.max(
      transitionMs + MINUTE_MS,
      Math.min(transitionMs + input.minutesAfter * MINUTE_MS, context.clock.now()),
    );
    const series = new Map<string, MetricSeries>();
    let nextToken: string | undefined;
    do {
      const page = await cloudWatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: toAlarmQueries(alarm),
          StartTime: new Date(startMs),
          EndTime: new Date(endMs),
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        const id = result.Id ?? '';
        const entry = series.get(id) ?? { id, label: result.Label ?? id, points: [] };
        const values = result.Values ?? [];
        (result.Timestamps ?? []).forEach((timestamp, index) => {
          entry.points.push({ timestamp: timestamp.toISOString(), value: values[index] ?? NaN });
        });
        series.set(id, entry);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);

    for (const entry of series.values()) {
      entry.points.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    }
    return {
      alarmName: input.alarmName,
      state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
      transitionAt: new Date(transitionMs).toISOString(),
      startTime: new Date(startMs).toISOString(),
      endTime: new Date(endMs).toISOString(),
      ...(alarm.Threshold === undefined ? {} : { threshold: alarm.Threshold }),
      series: [...series.values()],
    };
  },
};
