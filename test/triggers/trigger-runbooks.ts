import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseRunbook } from '../../src/runbook/index.js';
import type { RunbookDocument } from '../../src/runbook/index.js';

/** Name, inputs and trigger rules (YAML flow text) of one test runbook. */
interface TestRunbook {
  readonly name: string;
  readonly inputs?: string;
  readonly triggers: string;
}

/**
 * Runbooks that route the corpus alarms and findings; each exercises one rule field.
 * Their steps only write notes.
 */
export const TEST_RUNBOOKS: readonly TestRunbook[] = [
  {
    name: 'crypto-mining',
    inputs: 'instanceId: { type: ec2-instance-id }',
    triggers: `
  - finding: { type: "CryptoCurrency:EC2/*", minSeverity: 7 }
    inputs: { instanceId: "\${{ trigger.instanceIds[0] }}" }`,
  },
  {
    name: 'backdoor-instance',
    triggers: `
  - finding: { type: "Backdoor:*", resourceType: Instance, source: guardduty }`,
  },
  {
    name: 's3-malware',
    triggers: `
  - finding: { type: "MalwareProtection:S3Object/*", resourceType: S3_OBJECT }`,
  },
  {
    name: 'securityhub-severe',
    triggers: `
  - finding: { type: "*", source: securityhub, severityLabel: [HIGH, CRITICAL], product: Security Hub }`,
  },
  {
    name: 'macie-data',
    triggers: `
  - finding: { type: "Sensitive Data Identifications/*", product: "arn:aws:securityhub:*::product/aws/macie" }`,
  },
  {
    name: 'ec2-cpu',
    inputs: 'instanceId: { type: string }',
    triggers: `
  - alarm: { name: "/^(EC2-CPU|ServerCpuTooHigh)$/", namespace: AWS/EC2, metric: CPUUtilization }
    inputs: { instanceId: "\${{ trigger.dimensions.InstanceId }}" }`,
  },
  {
    name: 'node-monitor',
    triggers: `
  - alarm: { name: "*test_node_monitor" }`,
  },
  {
    name: 'lambda-concurrency',
    triggers: `
  - alarm: { name: "Test alarm", namespace: AWS/Lambda, metric: ConcurrentExecutions }`,
  },
  {
    name: 'network-out',
    triggers: `
  - alarm: { name: "*", namespace: AWS/EC2, metric: NetworkOut }`,
  },
  {
    name: 'missing-data',
    triggers: `
  - alarm: { name: "*", state: INSUFFICIENT_DATA }`,
  },
];

/** The YAML text of a test runbook. */
export function toRunbookYaml(runbook: TestRunbook): string {
  const inputs = runbook.inputs ? `inputs:\n  ${runbook.inputs}\n` : '';
  return `name: ${runbook.name}
title: Test runbook ${runbook.name}
severity: high
${inputs}triggers:${runbook.triggers}
phases:
  detect:
    - id: record
      action: note
      with: { text: "started by \${{ run.requester }}" }
`;
}

/** Parses YAML runbook text into a runbook document. */
export function parseTestRunbook(text: string): RunbookDocument {
  return parseRunbook('test.yaml', text).runbook;
}

/** {@link TEST_RUNBOOKS}, parsed. */
export function loadTestRunbooks(): RunbookDocument[] {
  return TEST_RUNBOOKS.map((runbook) => parseTestRunbook(toRunbookYaml(runbook)));
}

/** Writes {@link TEST_RUNBOOKS} into a new temporary folder and returns its path. */
export function writeTestRunbooks(extra: readonly string[] = []): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'firebreak-trigger-runbooks-'));
  for (const runbook of TEST_RUNBOOKS) {
    writeFileSync(path.join(folder, `${runbook.name}.yaml`), toRunbookYaml(runbook));
  }
  extra.forEach((text, index) => writeFileSync(path.join(folder, `extra-${index}.yaml`), text));
  return folder;
}

/**
 * Where each corpus alarm and finding should go under {@link TEST_RUNBOOKS}: folder, file and
 * the runbooks that start, sorted.
 */
export const EXPECTED_ROUTES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  [
    'cloudwatch-alarms',
    'eventbridge.alarm-state-change.anomaly-detection.OK-to-ALARM.awsdocs.json',
    [],
  ],
  [
    'cloudwatch-alarms',
    'eventbridge.alarm-state-change.metric-math.INSUFFICIENT_DATA-to-ALARM.awsdocs.json',
    [],
  ],
  [
    'cloudwatch-alarms',
    'eventbridge.alarm-state-change.single-metric.OK-to-ALARM.awsdocs.json',
    ['ec2-cpu'],
  ],
  ['cloudwatch-alarms', 'lambda-alarm-action.composite-alarm.ALARM.actions-suppressed.json', []],
  [
    'cloudwatch-alarms',
    'lambda-alarm-action.metric-alarm.INSUFFICIENT_DATA-to-ALARM.malformed-as-documented.json',
    [],
  ],
  ['cloudwatch-alarms', 'sns-message.anomaly-detection.ALARM-to-OK.2021.json', []],
  ['cloudwatch-alarms', 'sns-message.composite-alarm.OK-to-ALARM.2021.json', ['node-monitor']],
  [
    'cloudwatch-alarms',
    'sns-message.metric-alarm.ALARM-to-OK.legacy-treatmissingdata.2019.json',
    [],
  ],
  [
    'cloudwatch-alarms',
    'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.custom-namespace.2021.json',
    [],
  ],
  [
    'cloudwatch-alarms',
    'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.ec2-cpu.2021.json',
    ['ec2-cpu'],
  ],
  [
    'cloudwatch-alarms',
    'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.lambda-concurrency.2022.json',
    ['lambda-concurrency'],
  ],
  [
    'cloudwatch-alarms',
    'sns-message.metric-alarm.OK-to-INSUFFICIENT_DATA.2019.json',
    ['missing-data'],
  ],
  [
    'cloudwatch-alarms',
    'sns-message.metric-math.INSUFFICIENT_DATA-to-ALARM.lambda-console-template.json',
    ['network-out'],
  ],
  [
    'guardduty',
    'eventbridge.guardduty-finding.Backdoor-EC2-Spambot.sample.json',
    ['backdoor-instance'],
  ],
  [
    'guardduty',
    'eventbridge.guardduty-finding.CryptoCurrency-EC2-BitcoinTool.B-DNS.redacted-by-author.json',
    ['crypto-mining'],
  ],
  [
    'guardduty',
    'eventbridge.guardduty-malware-protection-s3-object-scan-result.awsdocs.json',
    ['s3-malware'],
  ],
  ['guardduty', 'sns-lambda-record.guardduty-finding.Backdoor-EC2-Spambot.subject-null.json', []],
  [
    'securityhub',
    'eventbridge.securityhub-findings-custom-action.afsbp-rds.1.critical.json',
    ['securityhub-severe'],
  ],
  [
    'securityhub',
    'eventbridge.securityhub-findings-imported.afsbp-ec2.7.failed-informational.json',
    [],
  ],
  [
    'securityhub',
    'eventbridge.securityhub-findings-imported.cis-1.4.warning-statusreasons.json',
    [],
  ],
  [
    'securityhub',
    'eventbridge.securityhub-findings-imported.macie-asff.missing-id-and-generator.json',
    ['macie-data'],
  ],
];

/**
 * A runbook that the corpus EC2-CPU alarm starts: `name`, extra top-level keys (`header`, whole
 * lines) and extra keys of its trigger rule (`rule`, whole lines indented for the rule).
 */
export function cpuAlarmRunbook(options: { name?: string; header?: string; rule?: string } = {}) {
  const { name = 'cpu-alarm', header = '', rule = '' } = options;
  return `name: ${name}
title: ${name}
severity: high
${header}inputs:
  instanceId: { type: ec2-instance-id }
triggers:
  - alarm: { name: "EC2-*", namespace: AWS/EC2 }
    inputs: { instanceId: "\${{ trigger.dimensions.InstanceId }}" }
${rule}phases:
  detect:
    - { id: record, action: note, with: { text: "cpu" } }
`;
}
