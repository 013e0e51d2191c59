import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ExerciseReport } from '../../src/tabletop/index.js';
import { runExercise } from '../../src/tabletop/index.js';
import { FINDING_IDS, guardDutyFindingSeed, securityHubFindingSeed } from '../aws/finding-seed.js';
import { CORPUS_DIR } from '../triggers/corpus.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GUARDDUTY_FINDING =
  'guardduty/eventbridge.guardduty-finding.CryptoCurrency-EC2-BitcoinTool.B-DNS.redacted-by-author.json';
const SECURITYHUB_FINDING =
  'securityhub/eventbridge.securityhub-findings-imported.afsbp-ec2.7.failed-informational.json';

/** The stale-trigger guard of docs/runbooks.md in front of an isolation that needs approval. */
const GUARDED_RUNBOOK = `name: ec2-finding-guarded
title: Isolate the instance of a GuardDuty finding that is still open
severity: high
inputs:
  instanceId: { type: ec2-instance-id }
triggers:
  - finding: { type: 'CryptoCurrency:EC2/*', source: guardduty }
    inputs:
      instanceId: '\${{ trigger.instanceIds[0] }}'
permissions: { run: [responder, ir-lead], approve: [ir-lead] }
phases:
  detect:
    - id: findingNow
      action: aws.guardduty.getFinding
      if: "trigger.source = 'guardduty' and $exists(trigger.detectorId) and $exists(trigger.findingId)"
      with:
        detectorId: '\${{ trigger.detectorId }}'
        findingId: '\${{ trigger.findingId }}'
        region: '\${{ trigger.region }}'
      onFailure: continue
    - id: staleFinding
      action: fail
      if: "steps.findingNow.outputs.found = true and steps.findingNow.outputs.active = false"
      with:
        reason: 'stale trigger: finding \${{ trigger.findingId }} is archived, nothing contained'
  contain:
    - id: isolate
      action: aws.ec2.isolateInstance
      with: { instanceId: '\${{ inputs.instanceId }}' }
      approval: { roles: [ir-lead], deadline: 15m }
`;

/** The same guard for Security Hub, in front of a step that only notes. */
const SECURITYHUB_RUNBOOK = `name: config-finding-guarded
title: Act on a Security Hub finding that is still open
severity: low
triggers:
  - finding: { type: 'Software and Configuration Checks/*', source: securityhub }
phases:
  detect:
    - id: findingNow
      action: aws.securityhub.getFinding
      if: "trigger.source = 'securityhub' and $exists(trigger.findingId) and $exists(trigger.productArn)"
      with:
        findingId: '\${{ trigger.findingId }}'
        productArn: '\${{ trigger.productArn }}'
      onFailure: continue
    - id: staleFinding
      action: fail
      if: "steps.findingNow.outputs.found = true and steps.findingNow.outputs.active = false"
      with:
        reason: 'stale trigger: finding is \${{ steps.findingNow.outputs.workflowStatus }}'
  contain:
    - { id: act, action: note, with: { text: 'acting on the finding' } }
`;

const APPROVE = { at: '4m', approve: { step: 'isolate', by: 'alice' } };

let dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/**
 * An exercise on the shipped crypto-mining account with `findings` seeded (default the corpus
 * finding, open), the guarded runbook, and the corpus finding delivered by SNS at 0s.
 */
function writeExercise(options: {
  findings?: object[];
  injects?: object[];
  runbook?: string;
  corpusFile?: string;
}) {
  const dir = mkdtempSync(join(tmpdir(), 'fb-finding-guard-'));
  dirs.push(dir);
  const shipped = parse(readFileSync(join(repo, 'exercises', 'ec2-crypto-mining.yaml'), 'utf8'));
  const envelope = {
    Type: 'Notification',
    MessageId: 'a5b8c0d2-0000-4000-8000-000000000002',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:guardduty-findings',
    Message: readFileSync(join(CORPUS_DIR, options.corpusFile ?? GUARDDUTY_FINDING), 'utf8'),
    Timestamp: '2026-12-04T09:00:00.000Z',
    // Tabletop injects are trusted input: the envelope is parsed, not signature-checked.
    SignatureVersion: '1',
    Signature: 'EXERCISE-UNSIGNED',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0.pem',
  };
  writeFileSync(join(dir, 'envelope.json'), JSON.stringify(envelope));
  writeFileSync(join(dir, 'guarded.yaml'), options.runbook ?? GUARDED_RUNBOOK);
  const findings = options.findings ?? [guardDutyFindingSeed()];
  const exercise = {
    name: 'finding-guard',
    title: 'A GuardDuty finding that may have been archived before the run',
    startTime: '2026-12-04T09:00:00Z',
    runbooks: ['guarded.yaml'],
    responders: { alice: ['ir-lead'], bob: ['responder'] },
    account: { ...shipped.account, findings },
    injects: options.injects ?? [{ at: '0s', sns: 'envelope.json' }],
  };
  const file = join(dir, 'exercise.yaml');
  writeFileSync(file, stringify(exercise));
  return file;
}

function stepStatus(report: ExerciseReport, stepId: string) {
  return report.runs[0]?.steps.find((s) => s.id === stepId)?.status;
}

function groupsOfInstance(report: ExerciseReport): string[][] {
  const account = report.account as {
    networkInterfaces: { groupIds: string[]; attachment?: { instanceId: string } }[];
  };
  return account.networkInterfaces
    .filter((eni) => eni.attachment?.instanceId === FINDING_IDS.instance)
    .map((eni) => eni.groupIds);
}

function awsCalls(report: ExerciseReport) {
  return report.audit
    .filter((r) => r.type === 'aws.call')
    .map((r) => `${String(r.data?.['service'])}:${String(r.data?.['operation'])}`);
}

describe('the finding stale-trigger guard, run from a corpus GuardDuty finding', () => {
  it('stops the run before containment when the finding was archived', async () => {
    const findings = [guardDutyFindingSeed({ archived: true })];

    const report = await runExercise(writeExercise({ findings }));

    expect(report.runs).toHaveLength(1);
    expect(report.runs[0]?.status).toBe('failed');
    expect(report.runs[0]?.failure).toMatchObject({
      stepId: 'staleFinding',
      code: 'RUN_FAILED_BY_RUNBOOK',
      message: `stale trigger: finding ${FINDING_IDS.guardDutyFinding} is archived, nothing contained`,
    });
    expect(report.runs[0]?.steps.find((s) => s.id === 'findingNow')?.outputs).toMatchObject({
      found: true,
      active: false,
      archived: true,
      detectorId: FINDING_IDS.detector,
    });
    expect(stepStatus(report, 'isolate')).not.toBe('succeeded');
    expect(groupsOfInstance(report)).toEqual([
      ['sg-2f266b2f'],
      ['sg-2f266b2f', 'sg-0a1b2c3d4e5f60718'],
    ]);
    expect(awsCalls(report)).toEqual(['guardduty:GetFindings']);
  });

  it('goes on to containment while the finding is active', async () => {
    const injects = [{ at: '0s', sns: 'envelope.json' }, APPROVE];

    const report = await runExercise(writeExercise({ injects }));

    expect(report.runs[0]?.status).toBe('succeeded');
    expect(stepStatus(report, 'findingNow')).toBe('succeeded');
    expect(stepStatus(report, 'staleFinding')).toBe('skipped');
    expect(stepStatus(report, 'isolate')).toBe('succeeded');
    const quarantine = (
      report.runs[0]?.steps.find((s) => s.id === 'isolate')?.outputs as {
        quarantineGroupId: string;
      }
    ).quarantineGroupId;
    expect(groupsOfInstance(report)).toEqual([[quarantine], [quarantine]]);
    expect(awsCalls(report)[0]).toBe('guardduty:GetFindings');
  });

  it('goes on to containment when the finding cannot be found (another region or account)', async () => {
    const findings = [guardDutyFindingSeed({ findingId: '0123456789abcdef0123456789abcdef' })];
    const injects = [{ at: '0s', sns: 'envelope.json' }, APPROVE];

    const report = await runExercise(writeExercise({ findings, injects }));

    expect(stepStatus(report, 'findingNow')).toBe('succeeded');
    expect(report.runs[0]?.steps.find((s) => s.id === 'findingNow')?.outputs).toMatchObject({
      found: false,
      active: false,
    });
    expect(stepStatus(report, 'staleFinding')).toBe('skipped');
    expect(report.runs[0]?.status).toBe('succeeded');
  });

  it('does not block containment when GuardDuty cannot be asked', async () => {
    const injects = [{ at: '0s', sns: 'envelope.json' }, APPROVE];

    // No finding seeded: the account owns no detector, and GetFindings is refused.
    const report = await runExercise(writeExercise({ findings: [], injects }));

    expect(stepStatus(report, 'findingNow')).toBe('failed');
    expect(stepStatus(report, 'staleFinding')).toBe('skipped');
    expect(stepStatus(report, 'isolate')).toBe('succeeded');
  });

  it('skips the check on a run started by hand and contains', async () => {
    const inputs = { instanceId: FINDING_IDS.instance };
    const run = { runbook: 'ec2-finding-guarded', by: 'bob', inputs };
    const injects = [{ at: '0s', run }, APPROVE];
    const findings = [guardDutyFindingSeed({ archived: true })];

    const report = await runExercise(writeExercise({ findings, injects }));

    expect(report.runs[0]?.status).toBe('succeeded');
    expect(stepStatus(report, 'findingNow')).toBe('skipped');
    expect(stepStatus(report, 'staleFinding')).toBe('skipped');
    expect(awsCalls(report)).not.toContain('guardduty:GetFindings');
  });
});

describe('the finding stale-trigger guard, run from a corpus Security Hub finding', () => {
  const securityHub = { runbook: SECURITYHUB_RUNBOOK, corpusFile: SECURITYHUB_FINDING };

  it('stops the run when a responder resolved the finding', async () => {
    const findings = [securityHubFindingSeed({ workflowStatus: 'RESOLVED' })];

    const report = await runExercise(writeExercise({ ...securityHub, findings }));

    expect(report.runs[0]?.status).toBe('failed');
    expect(report.runs[0]?.failure).toMatchObject({
      stepId: 'staleFinding',
      message: 'stale trigger: finding is RESOLVED',
    });
    expect(stepStatus(report, 'act')).not.toBe('succeeded');
  });

  it('goes on while the finding is active and new', async () => {
    const findings = [securityHubFindingSeed()];

    const report = await runExercise(writeExercise({ ...securityHub, findings }));

    expect(report.runs[0]?.status).toBe('succeeded');
    expect(stepStatus(report, 'staleFinding')).toBe('skipped');
    expect(awsCalls(report)).toEqual(['securityhub:GetFindings']);
  });
});
