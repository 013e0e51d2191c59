import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AuditChainBrokenError,
  FileAuditLog,
  readWrittenTail,
  toTailPath,
  verifyChainLines,
} from '../../src/audit/index.js';
import { main } from '../../src/cli/index.js';
import type { CliIo } from '../../src/cli/index.js';
import { VirtualClock } from '../../src/shared/index.js';

function writeLog(path: string, notes: readonly string[]): FileAuditLog {
  const log = new FileAuditLog({ path, clock: new VirtualClock(0), simulated: true });
  for (const text of notes) log.appendSync({ type: 'note', runId: 'run-1', data: { text } });
  return log;
}

function newLogPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'fb-tail-')), 'audit.jsonl');
}

const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n');

async function verifyWithCli(path: string) {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    exitCode: (c) => (code = Math.max(code, c)),
  };
  await main(['audit', 'verify', path], io);
  return { out: out.join('\n'), err: err.join('\n'), code };
}

describe('the tail file beside an audit log', () => {
  it('follows every append and agrees with an untouched log', async () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b', 'c']);

    const tail = readWrittenTail(path);
    const cli = await verifyWithCli(path);

    expect(tail?.seq).toBe(3);
    expect(tail?.hash).toBe(JSON.parse(linesOf(path)[2] as string).hash);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain(`3 records, chain intact`);
    expect(cli.out).toContain(`${toTailPath(path)} agrees`);
  });

  it('shows records cut from the end, and the log is not continued', async () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b', 'c']);
    writeFileSync(path, `${linesOf(path).slice(0, 2).join('\n')}\n`);

    const cli = await verifyWithCli(path);

    expect(verifyChainLines(linesOf(path))).toMatchObject({ ok: true, records: 2 });
    expect(cli.code).toBe(1);
    expect(cli.err).toContain(
      `${path}:3: audit chain broken: the log ends at record 2 but its tail file says record 3 was written (records removed from the end)`,
    );
    expect(() => writeLog(path, ['d'])).toThrow(AuditChainBrokenError);
  });

  it('shows a log rewritten from some record on with a chain of its own', async () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b', 'c']);
    const forged = newLogPath();
    writeLog(forged, ['a', 'b', 'X']);
    writeFileSync(path, readFileSync(forged, 'utf8'));

    const cli = await verifyWithCli(path);

    expect(verifyChainLines(linesOf(path))).toMatchObject({ ok: true, records: 3 });
    expect(cli.code).toBe(1);
    expect(cli.err).toContain(`${path}:3: audit chain broken: record 3 is not the one the tail`);
  });

  it('accepts a tail one record behind (stopped between the two writes)', () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b']);
    const behind = readFileSync(toTailPath(path), 'utf8');
    writeLog(path, ['c']);
    writeFileSync(toTailPath(path), behind);

    expect(verifyChainLines(linesOf(path), readWrittenTail(path))).toMatchObject({
      ok: true,
      records: 3,
    });
    expect(() => writeLog(path, ['d'])).not.toThrow();
    expect(readWrittenTail(path)?.seq).toBe(4);
  });

  it('says when there is no tail to compare with', async () => {
    const path = newLogPath();
    writeLog(path, ['a']);
    rmSync(toTailPath(path));

    const cli = await verifyWithCli(path);

    expect(cli.code).toBe(0);
    expect(cli.out).toContain('so records cut from the end would not show');
  });
});

describe('two processes appending to one file log', () => {
  it('continues the chain the other wrote instead of forking it', () => {
    const path = newLogPath();
    const first = writeLog(path, ['a']);
    const second = writeLog(path, ['b']);

    first.appendSync({ type: 'note', runId: 'run-1', data: { text: 'c' } });
    second.appendSync({ type: 'note', runId: 'run-2', data: { text: 'd' } });
    first.appendSync({ type: 'note', runId: 'run-1', data: { text: 'e' } });

    const result = verifyChainLines(linesOf(path), readWrittenTail(path));
    expect(result).toMatchObject({ ok: true, records: 5 });
    const texts = linesOf(path)
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { data: { text: string } }).data.text);
    expect(texts).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
