import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { verifyChainLines } from '../../src/audit/index.js';
import { formatReport, runExercise } from '../../src/tabletop/index.js';
import { CORPUS_DIR } from '../triggers/corpus.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shipped = join(repo, 'exercises', 'ec2-crypto-mining.yaml');
const corpus = CORPUS_DIR;
const INSTANCE = 'i-00aa97663294ffbbd';
/** The corpus GuardDuty finding the shipped exercise's envelope carries, as a bare message. */
const BITCOIN_FINDING =
  'guardduty/eventbridge.guardduty-finding.CryptoCurrency-EC2-BitcoinTool.B-DNS.redacted-by-author.json';

type ExerciseDoc = Record<string, unknown> & {
  injects: Record<string, unknown>[];
  expect: unknown[];
};

/** A copy of the shipped exercise in a temp dir, changed by `edit`. */
function variant(edit: (doc: ExerciseDoc, dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-exercise-'));
  const doc = parse(readFileSync(shipped, 'utf8')) as ExerciseDoc;
  doc['runbooks'] = [join(repo, 'runbooks')];
  for (const inject of doc.injects) {
    if (typeof inject['sns'] === 'string') inject['sns'] = join(repo, 'exercises', inject['sns']);
  }
  edit(doc, dir);
  const file = join(dir, 'exercise.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

/** An SNS envelope file carrying a corpus message, as EventBridge -> SNS delivers it. */
function envelopeFor(dir: string, corpusFile: string): string {
  const message = readFileSync(join(corpus, corpusFile), 'utf8');
  const envelope = {
    Type: 'Notification',
    MessageId: 'a5b8c0d2-0000-4000-8000-000000000001',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:guardduty-findings',
    Message: message,
    Timestamp: '2026-12-04T09:00:00.000Z',
    SignatureVersion: '1',
    Signature: 'EXERCISE-UNSIGNED',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0.pem',
  };
  const file = join(dir, 'envelope.json');
  writeFileSync(file, JSON.stringify(envelope));
  return file;
}

interface InterfaceView {
  networkInterfaceId: string;
  groupIds: string[];
  attachment?: { instanceId: string };
}

function interfacesOf(account: unknown): InterfaceView[] {
  const all = (account as { networkInterfaces: InterfaceView[] }).networkInterfaces;
  return all.filter((eni) => eni.attachment?.instanceId === INSTANCE);
}

describe('tabletop exercise ec2-crypto-mining', () => {
  it('contains the instance named by the real GuardDuty finding, end to end', async () => {
    const report = await runExercise(shipped);

    expect(report.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(report.runs).toHaveLength(1);
    const run = report.runs[0];
    expect(run?.status).toBe('succeeded');
    expect(run?.inputs['instanceId']).toBe(INSTANCE);
    const quarantine = (
      run?.steps.find((s) => s.id === 'isolate')?.outputs as { quarantineGroupId: string }
    ).quarantineGroupId;
    const enis = interfacesOf(report.account);
    expect(enis).toHaveLength(2);
    for (const eni of enis) expect(eni.groupIds).toEqual([quarantine]);
  });

  it('keeps a verifiable chain in the records it reports', async () => {
    const report = await runExercise(shipped);
    const types = report.audit.map((r) => r.type);
    expect(types[0]).toBe('trigger.received');
    expect(types).toContain('approval.decided');
    expect(types.at(-1)).toBe('run.finished');
    const lines = report.audit.map((r) => JSON.stringify(r));
    expect(verifyChainLines(lines)).toMatchObject({ ok: true, records: report.audit.length });
    lines[3] = (lines[3] as string).replace('"step.started"', '"step.skipped"');
    expect(verifyChainLines(lines)).toMatchObject({ ok: false, badLine: 4 });
  });

  it('starts nothing for a finding below the severity floor', async () => {
    const file = variant((doc, dir) => {
      doc.injects = [
        {
          at: '0s',
          sns: envelopeFor(
            dir,
            'guardduty/eventbridge.guardduty-finding.Backdoor-EC2-Spambot.sample.json',
          ),
        },
      ];
      doc.expect = [];
    });
    const report = await runExercise(file);
    expect(report.runs).toEqual([]);
    // As the live /sns endpoint records it.
    expect(report.audit.map((r) => r.type)).toEqual(['trigger.received', 'trigger.refused']);
    expect(report.audit[1]?.data).toMatchObject({ code: 'TRIGGER_NO_MATCH' });
  });

  it('takes an inject that is the message alone, or an envelope without signature fields', async () => {
    const bare = variant((doc) => {
      doc.injects[0] = { at: '0s', sns: join(corpus, BITCOIN_FINDING) };
    });
    const unsigned = variant((doc, dir) => {
      const envelope = JSON.parse(readFileSync(doc.injects[0]?.['sns'] as string, 'utf8'));
      for (const field of ['SignatureVersion', 'Signature', 'SigningCertURL'])
        delete envelope[field];
      writeFileSync(join(dir, 'unsigned.json'), JSON.stringify(envelope));
      doc.injects[0] = { at: '0s', sns: join(dir, 'unsigned.json') };
    });

    for (const file of [bare, unsigned]) {
      const report = await runExercise(file);
      expect(report.runs.map((r) => [r.runbookId, r.status])).toEqual([
        ['ec2-compromised-instance', 'succeeded'],
      ]);
      expect(report.passed).toBe(true);
    }
  });

  it('drops a repeated MessageId and notes a repeated incident on its first run, as /sns does', async () => {
    const file = variant((doc) => {
      const delivery = doc.injects[0] as Record<string, unknown>;
      // SNS delivers at least once: the same envelope again, then the finding again under
      // another MessageId (the bare message gets one made from its file).
      doc.injects.push(
        { ...delivery, at: '30s' },
        { at: '1m', sns: join(corpus, BITCOIN_FINDING) },
      );
    });
    const report = await runExercise(file);

    expect(report.passed).toBe(true);
    expect(report.runs).toHaveLength(1);
    const refused = report.audit.filter((r) => r.type === 'trigger.refused');
    expect(refused.map((r) => (r.data as { code: string }).code)).toEqual([
      'TRIGGER_DUPLICATE_MESSAGE',
    ]);
    const notes = report.audit.filter((r) => r.type === 'note' && r.actor === 'sns');
    expect(notes.map((r) => [r.runId, (r.data as { reason: string }).reason])).toEqual([
      [report.runs[0]?.runId, 'same-incident'],
    ]);
    const timeline = formatReport(report);
    expect(timeline).toMatch(/\+0:00:30 {2}trigger\.refused +TRIGGER_DUPLICATE_MESSAGE \(SNS /);
    expect(timeline).toMatch(/\+0:01:00 {2}note +\S+ guardduty .*: same-incident, incident /);
  });

  it('names the inject and its file when an envelope cannot be read', async () => {
    let broken = '';
    const file = variant((doc, dir) => {
      broken = join(dir, 'broken.json');
      writeFileSync(broken, JSON.stringify({ Type: 'Notification', Message: '{}' }));
      doc.injects[0] = { at: '30s', sns: broken };
    });

    await expect(runExercise(file)).rejects.toThrow(
      `inject at 30s: ${broken}: SNS message has no "MessageId" string`,
    );
  });

  it('fires each timer at its own time, before injects that come later', async () => {
    // The approval comes at 20 minutes, after the 15-minute deadline has passed.
    const file = variant((doc) => {
      doc.injects[1] = { at: '20m', approve: { step: 'isolate', by: 'alice' } };
      doc.expect = [];
    });
    const report = await runExercise(file);

    const ofIsolate = (type: string) =>
      report.audit.find((r) => r.type === type && r.stepId === 'isolate');
    const asked = Date.parse(ofIsolate('approval.requested')?.time ?? '');
    const decided = ofIsolate('approval.decided');
    expect(report.runs[0]?.status).toBe('denied');
    expect(decided?.actor).toBe('firebreak:deadline');
    expect(Date.parse(decided?.time ?? '') - asked).toBe(15 * 60_000);
    // The approval at 20 minutes came too late and changed nothing.
    expect(report.audit.at(-1)).toMatchObject({ type: 'run.finished', time: decided?.time });
  });

  it('leaves the instance untouched when the approval is denied', async () => {
    const file = variant((doc) => {
      doc.injects[1] = {
        at: '4m',
        deny: { step: 'isolate', by: 'alice', reason: 'production database' },
      };
      doc.expect = [];
    });
    const report = await runExercise(file);

    expect(report.runs[0]?.status).toBe('denied');
    expect(report.runs[0]?.steps.find((s) => s.id === 'notify')?.status).toBe('cancelled');
    const groups = interfacesOf(report.account).map((eni) => [
      eni.networkInterfaceId,
      eni.groupIds,
    ]);
    expect(groups).toEqual([
      ['eni-0b2a816e2859d3b70', ['sg-2f266b2f']],
      ['eni-0c3d5e7f9a1b2c3d4', ['sg-2f266b2f', 'sg-0a1b2c3d4e5f60718']],
    ]);
    const calls = report.audit
      .filter((r) => r.type === 'aws.call')
      .map((r) => r.data?.['operation']);
    expect(calls).not.toContain('ModifyNetworkInterfaceAttribute');
    expect(calls).not.toContain('CreateSecurityGroup');
  });

  it('denies at the deadline when nobody decides', async () => {
    const file = variant((doc) => {
      doc.injects = doc.injects.slice(0, 1);
      doc.expect = [];
    });
    const report = await runExercise(file);
    expect(report.runs[0]?.status).toBe('denied');
    expect(report.runs[0]?.failure?.code).toBe('APPROVAL_DEADLINE');
    const deadline = report.audit.find((r) => r.type === 'approval.decided');
    expect(deadline?.actor).toBe('firebreak:deadline');
    expect(Date.parse(deadline?.time ?? '') - Date.parse(report.startTime)).toBe(15 * 60_000);
  });
});
