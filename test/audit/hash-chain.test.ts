import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditChainBrokenError, FileAuditLog, verifyChainLines } from '../../src/audit/index.js';
import { VirtualClock } from '../../src/shared/index.js';

function writeLog(records = 3): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fb-audit-')), 'audit.jsonl');
  const log = new FileAuditLog({ path, clock: new VirtualClock(0), simulated: true });
  for (let i = 0; i < records; i++) {
    log.appendSync({ type: 'note', runId: 'run-1', stepId: `s${i}`, data: { text: `note ${i}` } });
  }
  return path;
}

const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n');

describe('audit hash chain', () => {
  it('verifies an untouched log', () => {
    expect(verifyChainLines(linesOf(writeLog()))).toMatchObject({ ok: true, records: 3 });
  });

  it('names the edited record', () => {
    const path = writeLog();
    writeFileSync(path, readFileSync(path, 'utf8').replace('note 1', 'note X'));
    expect(verifyChainLines(linesOf(path))).toMatchObject({ ok: false, badLine: 2 });
  });

  it('names the record after a removed one', () => {
    const lines = linesOf(writeLog());
    lines.splice(1, 1);
    expect(verifyChainLines(lines)).toMatchObject({
      ok: false,
      badLine: 2,
      reason: expect.stringMatching(/sequence/),
    });
  });

  it('detects reordered records', () => {
    const lines = linesOf(writeLog());
    [lines[0], lines[1]] = [lines[1] as string, lines[0] as string];
    expect(verifyChainLines(lines)).toMatchObject({ ok: false, badLine: 1 });
  });

  it('continues an existing chain across processes', () => {
    const path = writeLog(2);
    const again = new FileAuditLog({ path, clock: new VirtualClock(0), simulated: true });
    again.appendSync({ type: 'note', data: { text: 'later' } });
    expect(verifyChainLines(linesOf(path))).toMatchObject({ ok: true, records: 3 });
  });

  it('refuses to extend a broken chain', () => {
    const path = writeLog();
    writeFileSync(path, readFileSync(path, 'utf8').replace('"seq":2', '"seq":7'));
    expect(() => new FileAuditLog({ path, clock: new VirtualClock(0), simulated: true })).toThrow(
      AuditChainBrokenError,
    );
  });
});
