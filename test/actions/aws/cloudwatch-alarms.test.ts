import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  cloudWatchDescribeAlarm,
  cloudWatchGetAlarmMetricData,
} from '../../../src/actions/aws/index.js';
import { IDS } from '../../aws/sample-seed.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { ALARM_TRANSITION, RESPONSE_IDS } from './response-seed.js';
import { createResponseSimulation } from './undo-harness.js';

describe('aws.cloudwatch.describeAlarm', () => {
  it('asks for the metric alarm by name', async () => {
    const aws = createMockedAwsClients();
    const cw = mockClient(aws.cloudWatch());
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'a', StateValue: 'ALARM', Threshold: 1 }],
    });

    const output = await runAction(
      cloudWatchDescribeAlarm,
      { alarmName: 'a' },
      createTestActionContext({ aws }),
    );

    expect(cw.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ['a'],
      AlarmTypes: ['MetricAlarm'],
    });
    expect(output).toMatchObject({ alarmName: 'a', state: 'ALARM', threshold: 1 });
  });

  it('fails with AWS_ALARM_NOT_FOUND for an unknown alarm', async () => {
    const { context } = createResponseSimulation();

    await expect(
      runAction(cloudWatchDescribeAlarm, { alarmName: 'nope' }, context),
    ).rejects.toMatchObject({ code: 'AWS_ALARM_NOT_FOUND' });
  });

  it('describes a metric-math alarm from the simulated account', async () => {
    const { context } = createResponseSimulation();

    const output = await runAction(
      cloudWatchDescribeAlarm,
      { alarmName: RESPONSE_IDS.errorRateAlarm },
      context,
    );

    expect(output.queries?.map((q) => q.id)).toEqual(['errors', 'requests', 'rate']);
    expect(output.stateUpdatedAt).toBe(ALARM_TRANSITION);
  });
});

describe('aws.cloudwatch.getAlarmMetricData', () => {
  it('queries the metric over the window around the transition', async () => {
    const aws = createMockedAwsClients();
    const cw = mockClient(aws.cloudWatch());
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'cpu',
          StateUpdatedTimestamp: new Date(ALARM_TRANSITION),
          Namespace: 'AWS/EC2',
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: IDS.instance }],
          Statistic: 'Maximum',
          Period: 300,
        },
      ],
    });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });

    await runAction(
      cloudWatchGetAlarmMetricData,
      { alarmName: 'cpu', minutesBefore: 30, minutesAfter: 10 },
      createTestActionContext({ aws }),
    );

    expect(cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input).toEqual({
      MetricDataQueries: [
        {
          Id: 'm1',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/EC2',
              MetricName: 'CPUUtilization',
              Dimensions: [{ Name: 'InstanceId', Value: IDS.instance }],
            },
            Stat: 'Maximum',
            Period: 300,
          },
          ReturnData: true,
        },
      ],
      StartTime: new Date('2025-03-01T11:00:00.000Z'),
      EndTime: new Date('2025-03-01T11:40:00.000Z'),
      ScanBy: 'TimestampAscending',
    });
  });

  it('reads single-metric data around the transition from the simulated account', async () => {
    const { context } = createResponseSimulation();

    const output = await runAction(
      cloudWatchGetAlarmMetricData,
      { alarmName: RESPONSE_IDS.cpuAlarm, minutesBefore: 15, minutesAfter: 15 },
      context,
    );

    expect(output.series).toHaveLength(1);
    const values = output.series[0]?.points.map((p) => p.value);
    expect(values?.[0]).toBe(20);
    expect(values?.at(-1)).toBe(97);
    expect(output.series[0]?.points.every((p) => p.timestamp < '2025-03-01T11:45:00.000Z')).toBe(
      true,
    );
  });

  it('returns the inputs and the expression of a metric-math alarm', async () => {
    const { context } = createResponseSimulation();

    const output = await runAction(
      cloudWatchGetAlarmMetricData,
      { alarmName: RESPONSE_IDS.errorRateAlarm, minutesBefore: 30, minutesAfter: 15 },
      context,
    );

    expect(output.series.map((s) => s.id).sort()).toEqual(['errors', 'rate', 'requests']);
    const rate = output.series.find((s) => s.id === 'rate')?.points.map((p) => p.value);
    expect(rate).toContain(12);
    expect(rate).toContain(1);
  });
});
