import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/shared/index.js';

import {
  TriggerRuleError,
  createTriggerMatcher,
  incidentKeyOf,
  matchTriggerRules,
  parseTriggerMessage,
  severityLabelOf,
} from '../../src/triggers/index.js';
import type { AlarmEvent, FindingEvent, TriggerEvent } from '../../src/triggers/index.js';
import { listCorpus, readCorpus } from './corpus.js';
import { EXPECTED_ROUTES, loadTestRunbooks, parseTestRunbook } from './trigger-runbooks.js';

const ALARM: AlarmEvent = {
  kind: 'alarm',
  alarmName: 'prod-web-cpu',
  alarmType: 'metric',
  newState: 'ALARM',
  oldState: 'OK',
  namespace: 'AWS/EC2',
  metricName: 'CPUUtilization',
  dimensions: { InstanceId: 'i-0123456789abcdef0' },
  accountId: '111122223333',
  region: 'eu-west-1',
  alarm: {},
};

const FINDING: FindingEvent = {
  kind: 'finding',
  source: 'securityhub',
  findingId: 'arn:aws:securityhub:eu-west-1:111122223333:finding/abc',
  findingType: 'TTPs/Command and Control/Backdoor:EC2-C&CActivity.B',
  severity: 7.5,
  severityLabel: 'HIGH',
  resourceType: 'AwsEc2Instance',
  instanceIds: ['i-0123456789abcdef0'],
  productArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty',
  productName: 'GuardDuty',
  finding: {},
};

function runbookWith(triggers: string, extra = ''): ReturnType<typeof parseTestRunbook> {
  return parseTestRunbook(`name: under-test
title: Under test
severity: high
${extra}triggers:
${triggers}
phases: { detect: [] }
`);
}

function matches(triggers: string, event: TriggerEvent): boolean {
  return createTriggerMatcher([runbookWith(triggers)]).findRules(event).length > 0;
}

describe('createTriggerMatcher', () => {
  describe('with finding rules', () => {
    it.each([
      ['{ type: "TTPs/*" }', true],
      ['{ type: "Recon:*" }', false],
      ['{ type: "*", minSeverity: 7 }', true],
      ['{ type: "*", minSeverity: 8 }', false],
      ['{ type: "*", source: securityhub }', true],
      ['{ type: "*", source: guardduty }', false],
      ['{ type: "*", resourceType: "AwsEc2*" }', true],
      ['{ type: "*", resourceType: "AwsS3Bucket" }', false],
      ['{ type: "*", severityLabel: [HIGH, CRITICAL] }', true],
      ['{ type: "*", severityLabel: [CRITICAL] }', false],
      ['{ type: "*", product: GuardDuty }', true],
      ['{ type: "*", product: "arn:aws:securityhub:*::product/aws/guardduty" }', true],
      ['{ type: "*", product: Macie }', false],
      ['{ type: "/Backdoor:EC2-C&C/" }', true],
    ])('matches the finding against %s: %s', (rule, expected) => {
      expect(matches(`  - finding: ${rule}`, FINDING)).toBe(expected);
    });

    it('derives the severity label of a GuardDuty finding from its number', () => {
      const guardDuty = { ...FINDING, source: 'guardduty' as const, severityLabel: undefined };

      expect(severityLabelOf({ ...guardDuty, severity: 2 })).toBe('LOW');
      expect(severityLabelOf({ ...guardDuty, severity: 5 })).toBe('MEDIUM');
      expect(severityLabelOf({ ...guardDuty, severity: 8 })).toBe('HIGH');
      expect(severityLabelOf({ ...guardDuty, severity: 9.5 })).toBe('CRITICAL');
      expect(severityLabelOf({ ...guardDuty, severity: undefined })).toBeUndefined();
      expect(matches('  - finding: { type: "*", severityLabel: [HIGH] }', guardDuty)).toBe(true);
    });

    it('takes GuardDuty as the product of a finding straight from GuardDuty', () => {
      const guardDuty = { ...FINDING, source: 'guardduty' as const, productName: undefined };

      expect(matches('  - finding: { type: "*", product: GuardDuty }', guardDuty)).toBe(true);
    });

    it('does not match an alarm', () => {
      expect(matches('  - finding: { type: "*" }', ALARM)).toBe(false);
    });
  });

  describe('with alarm rules', () => {
    it.each([
      ['{ name: "prod-*" }', true],
      ['{ name: "staging-*" }', false],
      ['{ name: "/^prod-.*-cpu$/" }', true],
      ['{ name: "/^prod-.*-mem$/" }', false],
      ['{ name: "*", state: OK }', false],
      ['{ name: "*", namespace: AWS/EC2 }', true],
      ['{ name: "*", namespace: AWS/RDS }', false],
      ['{ name: "*", metric: CPUUtilization }', true],
      ['{ name: "*", metric: NetworkOut }', false],
    ])('matches the alarm against %s: %s', (rule, expected) => {
      expect(matches(`  - alarm: ${rule}`, ALARM)).toBe(expected);
    });

    it('matches state ALARM by default and not OK', () => {
      const ok = { ...ALARM, newState: 'OK' as const };

      expect(matches('  - alarm: { name: "*" }', ok)).toBe(false);
      expect(matches('  - alarm: { name: "*", state: OK }', ok)).toBe(true);
    });

    it('tracks an alarm back to OK for a runbook without a rule for OK', () => {
      const runbook = runbookWith('  - alarm: { name: "prod-*" }');
      const matcher = createTriggerMatcher([runbook]);
      const ok = { ...ALARM, newState: 'OK' as const };

      expect(matcher.findRules(ok)).toEqual([]);
      expect(matcher.findTrackingRules(ok)).toMatchObject([{ runbookId: 'under-test' }]);
      expect(matcher.findTrackingRules(ALARM)).toEqual([]);
    });
  });

  it('refuses a catastrophic regex when created, naming runbook and rule', () => {
    const runbook = runbookWith('  - alarm: { name: "x" }\n  - alarm: { name: "/^(a+)+$/" }');

    const create = () => createTriggerMatcher([runbook]);

    expect(create).toThrow(TriggerRuleError);
    expect(create).toThrow(
      /runbook "under-test" triggers\[1\]: trigger pattern "\/\^\(a\+\)\+\$\/"/,
    );
  });

  it('refuses an incident-key template that does not compile', () => {
    const runbook = runbookWith('  - alarm: { name: "x" }\n    incidentKey: "${{ trigger.( }}"');

    expect(() => createTriggerMatcher([runbook])).toThrow(/triggers\[0\]/);
  });

  it('uses the first matching rule of each runbook', () => {
    const runbook = runbookWith(
      '  - alarm: { name: "staging-*" }\n  - alarm: { name: "prod-*" }\n  - alarm: { name: "*" }',
    );

    expect(createTriggerMatcher([runbook]).findRules(ALARM)).toMatchObject([{ ruleIndex: 1 }]);
  });
});

describe('matchTriggerRules', () => {
  it('maps message fields to inputs as data', async () => {
    const runbook = runbookWith(
      '  - alarm: { name: "*" }\n    inputs: { instanceId: "${{ trigger.dimensions.InstanceId }}" }',
      'inputs:\n  instanceId: { type: ec2-instance-id }\n',
    );
    const event = { ...ALARM, alarmName: '${{ $eval("1+1") }}' };

    const [match] = await matchTriggerRules([runbook], event);

    expect(match).toEqual({
      runbookId: 'under-test',
      ruleIndex: 0,
      inputs: { instanceId: 'i-0123456789abcdef0' },
      incidentKey: 'alarm:111122223333:eu-west-1:${{ $eval("1+1") }}',
    });
  });

  it('uses a rule incident-key template and dedupe window', async () => {
    const runbook = runbookWith(
      '  - alarm: { name: "*" }\n    incidentKey: "${{ trigger.dimensions.InstanceId }}"\n    dedupeWindow: 15m',
    );

    const [match] = await matchTriggerRules([runbook], ALARM);

    expect(match).toMatchObject({
      incidentKey: 'key:i-0123456789abcdef0',
      dedupeWindowMs: 900_000,
    });
  });

  it('reads the given clock for $now() in the mapping and the incident key', async () => {
    const runbook = runbookWith(
      '  - alarm: { name: "*" }\n    inputs: { seenAt: "${{ $now() }}" }\n    incidentKey: "${{ $millis() }}"',
      'inputs:\n  seenAt: { type: string }\n',
    );
    const clock = new VirtualClock(Date.parse('2026-06-01T09:00:00.000Z'));

    const [match] = await matchTriggerRules([runbook], ALARM, clock);

    expect(match).toMatchObject({
      inputs: { seenAt: '2026-06-01T09:00:00.000Z' },
      incidentKey: `key:${Date.parse('2026-06-01T09:00:00.000Z')}`,
    });
  });

  describe('with the corpus and the test runbooks', () => {
    const runbooks = loadTestRunbooks();
    const corpusFiles = ['cloudwatch-alarms', 'guardduty', 'securityhub'].flatMap((folder) =>
      listCorpus(folder).map((file) => `${folder}/${file}`),
    );

    it('has an expected route for every corpus alarm and finding', () => {
      expect(EXPECTED_ROUTES.map(([folder, file]) => `${folder}/${file}`).sort()).toEqual(
        corpusFiles.sort(),
      );
    });

    it.each(EXPECTED_ROUTES)('routes %s/%s to %j', async (folder, file, expected) => {
      const event = parseTriggerMessage(readCorpus(folder, file));

      const found = await matchTriggerRules(runbooks, event);

      expect(found.map((m) => m.runbookId).sort()).toEqual(expected);
    });
  });
});

describe('incidentKeyOf', () => {
  it('keys an alarm by account, region and name', () => {
    expect(incidentKeyOf(ALARM)).toBe('alarm:111122223333:eu-west-1:prod-web-cpu');
    expect(incidentKeyOf({ ...ALARM, accountId: '444455556666' })).not.toBe(incidentKeyOf(ALARM));
  });

  it('keys a finding by source and id', () => {
    expect(incidentKeyOf(FINDING)).toBe(
      'finding:securityhub:arn:aws:securityhub:eu-west-1:111122223333:finding/abc',
    );
  });
});
