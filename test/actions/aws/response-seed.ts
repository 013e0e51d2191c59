import type { SimulatedAccountSeed } from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../../aws/sample-seed.js';

/** Ids of the IAM, ACL and CloudWatch parts of {@link createResponseSeed}. */
export const RESPONSE_IDS = {
  user: 'mallory',
  role: 'app-server',
  activeKey: 'AKIAAAAAAAAAAAAAAAA1',
  secondActiveKey: 'AKIAAAAAAAAAAAAAAAA2',
  inactiveKey: 'AKIAAAAAAAAAAAAAAAA3',
  acl: 'acl-0a1b2c3d4e5f60001',
  cpuAlarm: 'web-1-cpu-high',
  errorRateAlarm: 'api-error-rate',
  keepPolicyArn: 'arn:aws:iam::123456789012:policy/s3-read',
} as const;

/** When the seeded alarms went into ALARM. */
export const ALARM_TRANSITION = '2025-03-01T11:30:00.000Z';

function minutesAround(minutes: number[], value: (minute: number) => number) {
  const baseMs = Date.parse(ALARM_TRANSITION);
  return minutes.map((minute) => ({
    timestamp: new Date(baseMs + minute * 60_000).toISOString(),
    value: value(minute),
  }));
}

/**
 * The sample account plus what IAM, ACL and CloudWatch actions need: a user with two active
 * keys and an inactive one and a console password, a role, an ACL with allow rule 100, a
 * single-metric and a metric-math alarm with data around their transition, console output.
 */
export function createResponseSeed(): SimulatedAccountSeed {
  const seed = createSampleSeed();
  const minutes = [-20, -10, -5, 0, 5, 10, 45];
  seed.instances![0]!.consoleOutput = 'Linux version 6.1\nxmrig: mining started\n';
  seed.networkAcls = [
    {
      networkAclId: RESPONSE_IDS.acl,
      vpcId: IDS.vpc,
      isDefault: true,
      subnetIds: [IDS.subnet],
      entries: [
        { ruleNumber: 1, ruleAction: 'deny', cidrBlock: '192.0.2.0/24' },
        { ruleNumber: 100, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' },
        { ruleNumber: 100, egress: true, ruleAction: 'allow', cidrBlock: '0.0.0.0/0' },
      ],
    },
  ];
  seed.iam = {
    users: [
      {
        userName: RESPONSE_IDS.user,
        accessKeys: [
          { accessKeyId: RESPONSE_IDS.activeKey },
          { accessKeyId: RESPONSE_IDS.secondActiveKey },
          { accessKeyId: RESPONSE_IDS.inactiveKey, status: 'Inactive' },
        ],
        consoleLogin: true,
        attachedPolicyArns: [RESPONSE_IDS.keepPolicyArn],
      },
    ],
    roles: [
      {
        roleName: RESPONSE_IDS.role,
        inlinePolicies: { 'read-config': { Version: '2012-10-17', Statement: [] } },
      },
    ],
  };
  seed.alarms = [
    {
      alarmName: RESPONSE_IDS.cpuAlarm,
      stateValue: 'ALARM',
      stateReason: 'Threshold Crossed: 1 datapoint [97.0] was greater than 90.0',
      stateUpdatedTimestamp: ALARM_TRANSITION,
      threshold: 90,
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: IDS.instance },
      statistic: 'Maximum',
      periodSeconds: 300,
    },
    {
      alarmName: RESPONSE_IDS.errorRateAlarm,
      stateValue: 'ALARM',
      stateUpdatedTimestamp: ALARM_TRANSITION,
      threshold: 5,
      metrics: [
        {
          id: 'errors',
          metric: { namespace: 'App', metricName: 'Errors', stat: 'Sum', periodSeconds: 300 },
        },
        {
          id: 'requests',
          metric: { namespace: 'App', metricName: 'Requests', stat: 'Sum', periodSeconds: 300 },
        },
        { id: 'rate', expression: '100 * errors / requests', returnData: true },
      ],
    },
  ];
  seed.metrics = [
    {
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: IDS.instance },
      datapoints: minutesAround(minutes, (m) => (m >= 0 ? 97 : 20)),
    },
    {
      namespace: 'App',
      metricName: 'Errors',
      datapoints: minutesAround(minutes, (m) => (m >= 0 ? 12 : 1)),
    },
    { namespace: 'App', metricName: 'Requests', datapoints: minutesAround(minutes, () => 100) },
  ];
  return seed;
}
