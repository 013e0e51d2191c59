import {
  DescribeAlarmsCommand,
  type CloudWatchClient,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import { AwsActionError } from './errors.js';

/** A CloudWatch alarm name (1-255 characters). */
export const alarmNameSchema = z.string().min(1).max(255);

/** Describes one metric alarm by name; AWS_ALARM_NOT_FOUND when there is none. */
export async function findAlarm(
  cloudWatch: CloudWatchClient,
  alarmName: string,
): Promise<MetricAlarm> {
  const command = new DescribeAlarmsCommand({
    AlarmNames: [alarmName],
    AlarmTypes: ['MetricAlarm'],
  });
  const result = await cloudWatch.send(command);
  const alarm = result.MetricAlarms?.find((a) => a.AlarmName === alarmName);
  if (alarm === undefined) {
    throw new AwsActionError(
      'AWS_ALARM_NOT_FOUND',
      `metric alarm "${alarmName}" was not found; check the name and the region`,
    );
  }
  return alarm;
}
