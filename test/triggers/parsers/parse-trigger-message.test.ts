import { describe, expect, it } from 'vitest';

import { parseSnsEnvelope, parseTriggerMessage } from '../../../src/triggers/index.js';
import type { AlarmEvent, FindingEvent, TriggerEvent } from '../../../src/triggers/index.js';
import { listCorpus, readCorpus } from '../corpus.js';

function healthEventMessage(): string {
  const file = 'notification-sv1-2022-health-abuse-reused-signature.invalid.json';
  return parseSnsEnvelope(readCorpus('sns-envelopes', file)).Message;
}

function parseCorpus(folder: string, file: string): TriggerEvent {
  return parseTriggerMessage(readCorpus(folder, file));
}

function parseAlarm(file: string): AlarmEvent {
  const event = parseCorpus('cloudwatch-alarms', file);
  if (event.kind !== 'alarm') expect.fail(`${file} parsed as ${event.kind}`);
  return event;
}

function parseFinding(folder: string, file: string): FindingEvent {
  const event = parseCorpus(folder, file);
  if (event.kind !== 'finding') expect.fail(`${file} parsed as ${event.kind}`);
  return event;
}

describe('parseTriggerMessage', () => {
  describe('with CloudWatch alarm messages from SNS', () => {
    it('reads a single-metric alarm with an empty dimension list', () => {
      const event = parseAlarm(
        'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.lambda-concurrency.2022.json',
      );

      expect(event).toMatchObject({
        kind: 'alarm',
        alarmName: 'Test alarm',
        alarmArn: 'arn:aws:cloudwatch:ca-central-1:017790921725:alarm:Test alarm',
        alarmType: 'metric',
        newState: 'ALARM',
        oldState: 'INSUFFICIENT_DATA',
        namespace: 'AWS/Lambda',
        metricName: 'ConcurrentExecutions',
        dimensions: {},
        accountId: '017790921725',
        region: 'ca-central-1',
        regionName: 'Canada (Central)',
        time: '2022-09-25T18:50:37.811Z',
      });
      expect(event.reason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[6\.0/);
    });

    it('reads name/value dimensions in a custom namespace', () => {
      const event = parseAlarm(
        'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.custom-namespace.2021.json',
      );

      expect(event).toMatchObject({
        alarmName: 'if-sim-app_427809481713_us-east-1-metric_emitting_node_failure',
        alarmType: 'metric',
        newState: 'ALARM',
        oldState: 'INSUFFICIENT_DATA',
        namespace: 'sim-app_427809481713_us-east-1',
        metricName: 'IExecutionFailureHook',
        dimensions: {
          MetricGroupId: 'routing_table.receive.hook',
          RouteID: 'metric_emitting_node',
        },
        accountId: '427809481713',
        region: 'us-east-1',
      });
    });

    it('reads an EC2 CPU alarm with its instance dimension', () => {
      const event = parseAlarm(
        'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.ec2-cpu.2021.json',
      );

      expect(event).toMatchObject({
        alarmName: 'EC2-CPU',
        newState: 'ALARM',
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: { InstanceId: 'i-0f672ea50a80cda4b' },
        region: 'ap-northeast-2',
        time: '2021-06-23T08:41:06.622Z',
      });
    });

    it('reads an alarm going to INSUFFICIENT_DATA with four dimensions', () => {
      const event = parseAlarm('sns-message.metric-alarm.OK-to-INSUFFICIENT_DATA.2019.json');

      expect(event).toMatchObject({
        alarmName: 'insufficient test',
        newState: 'INSUFFICIENT_DATA',
        oldState: 'OK',
        reason: 'tets',
        namespace: 'AWS/Usage',
        metricName: 'CallCount2',
        dimensions: {
          Type: 'API',
          Resource: 'PutMetricData',
          Service: 'CloudWatch',
          Class: 'None',
        },
        accountId: '853553028582',
      });
      expect(event).not.toHaveProperty('alarmArn');
      expect(event).not.toHaveProperty('region');
    });

    it('reads a legacy alarm back to OK with no ARN and a display-only region', () => {
      const event = parseAlarm(
        'sns-message.metric-alarm.ALARM-to-OK.legacy-treatmissingdata.2019.json',
      );

      expect(event).toMatchObject({
        alarmName: 'DBMigrationRequired',
        alarmType: 'metric',
        newState: 'OK',
        oldState: 'ALARM',
        namespace: 'LogMetrics',
        metricName: 'DBMigrationRequired',
        accountId: '735598076380',
        regionName: 'US (Virginia)',
        time: '2019-02-12T15:45:24.006Z',
      });
      expect(event).not.toHaveProperty('region');
    });

    it('reads a composite alarm with its rule and triggering child', () => {
      const event = parseAlarm('sns-message.composite-alarm.OK-to-ALARM.2021.json');

      expect(event).toMatchObject({
        alarmName: 'if-sim-app_427809481713_us-east-1-test_node_monitor',
        alarmType: 'composite',
        newState: 'ALARM',
        oldState: 'OK',
        dimensions: {},
        triggeringAlarmArns: [
          'arn:aws:cloudwatch:us-east-1:427809481713:alarm:if-sim-app_427809481713_us-east-1-metric_emitting_node_failure',
        ],
        time: '2021-11-10T02:45:55.640Z',
      });
      expect(event).not.toHaveProperty('metricName');
    });

    it('reads an anomaly-detection alarm from its Metrics list', () => {
      const event = parseAlarm('sns-message.anomaly-detection.ALARM-to-OK.2021.json');

      expect(event).toMatchObject({
        alarmName: 'ContainerInsight-pod_cpu_utilization',
        alarmType: 'anomaly-detection',
        newState: 'OK',
        oldState: 'ALARM',
        namespace: 'ContainerInsights',
        metricName: 'pod_cpu_utilization',
        dimensions: { ClusterName: 'cloudone-dev-v1-eks-cluster' },
        accountId: '257706363616',
        region: 'ap-northeast-2',
      });
    });

    it('reads a metric-math alarm and leaves placeholder account and region out', () => {
      const event = parseAlarm(
        'sns-message.metric-math.INSUFFICIENT_DATA-to-ALARM.lambda-console-template.json',
      );

      expect(event).toMatchObject({
        alarmName: 'EXAMPLE',
        alarmType: 'metric-math',
        newState: 'ALARM',
        oldState: 'INSUFFICIENT_DATA',
        namespace: 'AWS/EC2',
        metricName: 'NetworkOut',
        dimensions: { InstanceId: 'TestInstance' },
        time: '2015-06-03T17:43:27.123Z',
      });
      expect(event).not.toHaveProperty('accountId');
      expect(event).not.toHaveProperty('region');
    });
  });

  describe('with EventBridge alarm state changes', () => {
    it('reads a single-metric alarm', () => {
      const event = parseAlarm(
        'eventbridge.alarm-state-change.single-metric.OK-to-ALARM.awsdocs.json',
      );

      expect(event).toMatchObject({
        alarmName: 'ServerCpuTooHigh',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
        alarmType: 'metric',
        newState: 'ALARM',
        oldState: 'OK',
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: { InstanceId: 'i-12345678901234567' },
        accountId: '123456789012',
        region: 'us-east-1',
        time: '2019-10-02T17:04:40.989Z',
      });
    });

    it('reads a metric-math alarm over two metrics without naming one', () => {
      const event = parseAlarm(
        'eventbridge.alarm-state-change.metric-math.INSUFFICIENT_DATA-to-ALARM.awsdocs.json',
      );

      expect(event).toMatchObject({
        alarmName: 'TotalNetworkTrafficTooHigh',
        alarmType: 'metric-math',
        newState: 'ALARM',
        oldState: 'INSUFFICIENT_DATA',
        namespace: 'AWS/EC2',
        dimensions: { InstanceId: 'i-12345678901234567' },
      });
      expect(event).not.toHaveProperty('metricName');
    });

    it('reads an anomaly-detection alarm', () => {
      const event = parseAlarm(
        'eventbridge.alarm-state-change.anomaly-detection.OK-to-ALARM.awsdocs.json',
      );

      expect(event).toMatchObject({
        alarmName: 'EC2 CPU Utilization Anomaly',
        alarmType: 'anomaly-detection',
        newState: 'ALARM',
        oldState: 'OK',
        metricName: 'CPUUtilization',
        time: '2019-10-03T16:00:04.653Z',
      });
    });
  });

  describe('with Lambda alarm-action payloads', () => {
    it('reads a composite alarm with spaces in its timestamps and ARN', () => {
      const event = parseAlarm('lambda-alarm-action.composite-alarm.ALARM.actions-suppressed.json');

      expect(event).toMatchObject({
        alarmName: 'CompositeDemo.Main',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:SuppressionDemo.Main',
        alarmType: 'composite',
        newState: 'ALARM',
        oldState: 'ALARM',
        accountId: '111122223333',
        region: 'us-east-1',
        triggeringAlarmArns: [
          'arn:aws:cloudwatch:us-east-1:111122223333:alarm:CompositeDemo.FirstChild',
        ],
        time: '2023-08-04T12:56:46.138Z',
      });
    });

    it('reads a metric alarm whose previous reasonData is not JSON', () => {
      const event = parseAlarm(
        'lambda-alarm-action.metric-alarm.INSUFFICIENT_DATA-to-ALARM.malformed-as-documented.json',
      );

      expect(event).toMatchObject({
        alarmName: 'lambda-demo-metric-alarm',
        alarmType: 'metric',
        newState: 'ALARM',
        oldState: 'INSUFFICIENT_DATA',
        reason: 'test',
        namespace: 'AWS/Logs',
        metricName: 'CallCount',
        dimensions: { InstanceId: 'i-12345678' },
        accountId: '444455556666',
        time: '2023-08-04T12:36:15.490Z',
      });
    });
  });

  it.each(listCorpus('cloudwatch-alarms'))('parses %s as an alarm', (file) => {
    expect(parseAlarm(file).kind).toBe('alarm');
  });

  describe('with GuardDuty events', () => {
    it('reads a sample Backdoor:EC2/Spambot finding', () => {
      const event = parseFinding(
        'guardduty',
        'eventbridge.guardduty-finding.Backdoor-EC2-Spambot.sample.json',
      );

      expect(event).toMatchObject({
        kind: 'finding',
        source: 'guardduty',
        findingId: '7ebc050b71c556086b524045c9067feb',
        detectorId: 'e8b2d11eace51dd009880267917bb379',
        findingType: 'Backdoor:EC2/Spambot',
        severity: 5,
        title: 'Unusual outbound communication on port 25 from EC2 instance i-99999999.',
        accountId: '303697492861',
        region: 'ca-central-1',
        resourceType: 'Instance',
        instanceIds: ['i-99999999'],
        time: '2021-03-07T00:30:34.000Z',
        detailType: 'GuardDuty Finding',
      });
    });

    it('reads a redacted BitcoinTool finding and leaves masked values undefined', () => {
      const event = parseFinding(
        'guardduty',
        'eventbridge.guardduty-finding.CryptoCurrency-EC2-BitcoinTool.B-DNS.redacted-by-author.json',
      );

      expect(event).toMatchObject({
        findingId: '92c1a1d65b221e96d6a6fae27aaaae43',
        detectorId: 'e2c1a19ae1a4e786e58e2a5abed1340a',
        findingType: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
        severity: 8,
        region: 'us-east-1',
        resourceType: 'Instance',
        instanceIds: ['i-00aa97663294ffbbd'],
      });
      expect(event).not.toHaveProperty('time');
      expect(event).not.toHaveProperty('accountId');
    });

    it('reads a Malware Protection S3 object scan result', () => {
      const event = parseFinding(
        'guardduty',
        'eventbridge.guardduty-malware-protection-s3-object-scan-result.awsdocs.json',
      );

      expect(event).toMatchObject({
        source: 'guardduty',
        findingType: 'MalwareProtection:S3Object/THREATS_FOUND',
        title:
          'THREATS_FOUND in s3://amzn-s3-demo-bucket/APKAEIBAERJR2EXAMPLE: EICAR-Test-File (not a virus)',
        accountId: '111122223333',
        resourceType: 'S3_OBJECT',
        instanceIds: [],
        detailType: 'GuardDuty Malware Protection Object Scan Result',
        time: '2024-02-28T01:01:01.000Z',
      });
      expect(event).not.toHaveProperty('findingId');
      expect(event).not.toHaveProperty('detectorId');
    });

    it('reads the finding carried in a Lambda SNS record with a null Subject', () => {
      const envelope = parseSnsEnvelope(
        readCorpus(
          'guardduty',
          'sns-lambda-record.guardduty-finding.Backdoor-EC2-Spambot.subject-null.json',
        ),
      );

      const event = parseTriggerMessage(envelope.Message, envelope.Subject);

      expect(event).toMatchObject({
        kind: 'finding',
        findingType: 'Backdoor:EC2/Spambot',
        findingId: '7ebc050b71c556086b524045c9067feb',
        detectorId: 'e8b2d11eace51dd009880267917bb379',
        severity: 5,
        instanceIds: ['i-99999999'],
      });
    });

    it('takes the detector from the finding ARN when service.detectorId is missing', () => {
      const arn =
        'arn:aws:guardduty:us-east-1:123456789012:detector/0a1b2c3d4e5f60718293a4b5c6d7e8f9/finding/f1';
      const withArn = { 'detail-type': 'GuardDuty Finding', detail: { id: 'f1', type: 't', arn } };
      const bare = {
        'detail-type': 'GuardDuty Finding',
        detail: { id: 'f1', type: 't', service: { detectorId: null } },
      };

      const fromArn = parseTriggerMessage(JSON.stringify(withArn));
      const neither = parseTriggerMessage(JSON.stringify(bare));

      expect(fromArn).toMatchObject({
        findingId: 'f1',
        detectorId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      });
      expect(neither).toMatchObject({ kind: 'finding', findingId: 'f1' });
      expect(neither).not.toHaveProperty('detectorId');
    });
  });

  describe('with Security Hub events', () => {
    it('reads an imported AFSBP EC2.7 finding', () => {
      const event = parseFinding(
        'securityhub',
        'eventbridge.securityhub-findings-imported.afsbp-ec2.7.failed-informational.json',
      );

      expect(event).toMatchObject({
        source: 'securityhub',
        findingId:
          'arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06',
        findingType:
          'Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices',
        severity: 0,
        severityLabel: 'INFORMATIONAL',
        title: 'EC2.7 EBS default encryption should be enabled',
        accountId: '111111111111',
        region: 'us-east-1',
        resourceType: 'AwsAccount',
        productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
        productName: 'Security Hub',
        detailType: 'Security Hub Findings - Imported',
      });
    });

    it('reads a CIS 1.4 finding in WARNING', () => {
      const event = parseFinding(
        'securityhub',
        'eventbridge.securityhub-findings-imported.cis-1.4.warning-statusreasons.json',
      );

      expect(event).toMatchObject({
        findingType:
          'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
        severity: 4,
        severityLabel: 'MEDIUM',
        productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
        title: '1.4 Ensure access keys are rotated every 90 days or less',
        time: '2020-05-27T03:38:32.000Z',
      });
    });

    it('reads the first finding of a custom action', () => {
      const event = parseFinding(
        'securityhub',
        'eventbridge.securityhub-findings-custom-action.afsbp-rds.1.critical.json',
      );

      expect(event).toMatchObject({
        findingType: 'Effects/Data Exposure/AWS-Foundational-Security-Best-Practices',
        severity: 9,
        severityLabel: 'CRITICAL',
        productArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
        title: 'RDS.1 RDS snapshot should be private',
        region: 'eu-west-1',
        resourceType: 'AwsRdsDbSnapshot',
        detailType: 'Security Hub Findings - Custom Action',
      });
    });

    it('reads a Macie finding without Id or GeneratorId', () => {
      const event = parseFinding(
        'securityhub',
        'eventbridge.securityhub-findings-imported.macie-asff.missing-id-and-generator.json',
      );

      expect(event).toMatchObject({
        findingType:
          'Sensitive Data Identifications/Passwords/Google Suite Two-factor backup codes in S3',
        severity: 6,
        severityLabel: 'LOW',
        accountId: '123456789012',
        region: 'us-west-2',
        resourceType: 'AwsS3Bucket',
        productArn: 'arn:aws:securityhub:us-west-2::product/aws/macie',
        productName: 'Macie',
        time: '2019-04-11T21:52:15.900Z',
      });
      expect(event).not.toHaveProperty('findingId');
    });

    it('extracts EC2 instance ids from AwsEc2Instance resources', () => {
      const message = JSON.stringify({
        'detail-type': 'Security Hub Findings - Imported',
        detail: {
          findings: [
            {
              Types: ['TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS'],
              Severity: { Normalized: 70 },
              Resources: [
                {
                  Type: 'AwsEc2Instance',
                  Id: 'arn:aws:ec2:us-east-1:111111111111:instance/i-0abc1234def567890',
                },
              ],
            },
          ],
        },
      });

      expect(parseTriggerMessage(message)).toMatchObject({
        kind: 'finding',
        severity: 7,
        severityLabel: 'HIGH',
        resourceType: 'AwsEc2Instance',
        instanceIds: ['i-0abc1234def567890'],
      });
    });
  });

  describe('with text', () => {
    it('returns the AWS Budgets message as text with its subject', () => {
      const envelope = parseSnsEnvelope(
        readCorpus('sns-envelopes', 'notification-sv1-2022-budgets-plaintext.valid.json'),
      );

      const event = parseTriggerMessage(envelope.Message, envelope.Subject);

      expect(event).toEqual({
        kind: 'text',
        text: envelope.Message,
        subject: 'AWS Budgets: Test Budget has exceeded your alert threshold',
      });
    });

    it('keeps text that starts with a brace but is not JSON', () => {
      expect(parseTriggerMessage('{not json} at all')).toEqual({
        kind: 'text',
        text: '{not json} at all',
      });
    });
  });

  describe('with JSON of an unknown shape', () => {
    it.each([
      ['an AWS Health event', healthEventMessage()],
      ['an array', '[1, 2, 3]'],
      ['an empty object', '{}'],
      ['an alarm with an unknown state', '{"AlarmName":"a","NewStateValue":"BROKEN"}'],
      [
        'a state change with null detail',
        '{"detail-type":"CloudWatch Alarm State Change","detail":null}',
      ],
      [
        'a GuardDuty event with no type',
        '{"detail-type":"GuardDuty Finding","detail":{"severity":"high"}}',
      ],
      [
        'a Security Hub event with no findings',
        '{"detail-type":"Security Hub Findings - Imported","detail":{"findings":[]}}',
      ],
      [
        'a Security Hub event with a null finding',
        '{"detail-type":"Security Hub Findings - Imported","detail":{"findings":[null]}}',
      ],
      ['a prototype key', '{"__proto__":{"AlarmName":"x","NewStateValue":"ALARM"}}'],
    ])('returns unknown for %s without throwing', (_case, message) => {
      expect(parseTriggerMessage(message).kind).toBe('unknown');
    });

    it('reads an alarm with a null Trigger', () => {
      const message = '{"AlarmName":"a","NewStateValue":"ALARM","Trigger":null}';

      expect(parseTriggerMessage(message)).toMatchObject({ kind: 'alarm', alarmType: 'metric' });
    });

    it('tolerates nulls in an alarm message', () => {
      const message = JSON.stringify({
        AlarmName: 'nulls',
        NewStateValue: 'ALARM',
        OldStateValue: null,
        StateChangeTime: null,
        Trigger: {
          MetricName: null,
          Namespace: null,
          Dimensions: [null, { name: 'a', value: null }],
        },
      });

      expect(parseTriggerMessage(message)).toMatchObject({
        kind: 'alarm',
        alarmName: 'nulls',
        alarmType: 'metric',
        dimensions: {},
      });
    });

    it('does not let a __proto__ dimension reach the prototype', () => {
      const message = JSON.stringify({
        AlarmName: 'proto',
        NewStateValue: 'ALARM',
        Trigger: { Dimensions: [{ name: '__proto__', value: 'x' }] },
      });

      const event = parseTriggerMessage(message) as AlarmEvent;

      expect(Object.getPrototypeOf(event.dimensions)).toBe(Object.prototype);
      expect(Object.hasOwn(event.dimensions, '__proto__')).toBe(true);
    });
  });
});
