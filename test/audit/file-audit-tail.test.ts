import { spawn } from 'node:child_process';
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
  verifyLogFile,
} from '../../src/audit/index.js';
import { main } from '../../src/cli/index.js';
import { captureIo } from '../cli/capture-io.js';
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
  const cli = captureIo();
  await main(['audit', 'verify', path], cli.io);
  return { out: cli.out.join('\n'), err: cli.err.join('\n'), code: cli.code() };
}

describe('the tail file beside an audit log', () => {
  it('follows every append and agrees with an untouched log', async () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b', 'c']);

    const { tail } = readWrittenTail(path);
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
      `${path}:3: audit chain broken: the log ends at record 2 but its tail file says record 3 ` +
        `was written (records removed from the end)`,
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

    expect(verifyChainLines(linesOf(path), readWrittenTail(path).tail)).toMatchObject({
      ok: true,
      records: 3,
    });
    expect(() => writeLog(path, ['d'])).not.toThrow();
    expect(readWrittenTail(path).tail?.seq).toBe(4);
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

    const result = verifyChainLines(linesOf(path), readWrittenTail(path).tail);
    expect(result).toMatchObject({ ok: true, records: 5 });
    const texts = linesOf(path)
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { data: { text: string } }).data.text);
    expect(texts).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('the file audit log under stress', () => {
  it('keeps one chain when four processes append at the same moment', async () => {
    const path = newLogPath();
    const script = join(mkdtempSync(join(tmpdir(), 'fb-writer-')), 'writer.ts');
    const module = join(process.cwd(), 'src/audit/index.ts');
    writeFileSync(
      script,
      [
        `import { FileAuditLog } from ${JSON.stringify(module)};`,
        `const log = new FileAuditLog({ path: process.argv[2], clock: { now: () => Date.now(), ` +
          `setTimer: () => () => undefined }, simulated: true });`,
        `for (let i = 0; i < 150; i++) log.appendSync({ type: 'note', runId: process.argv[3], ` +
          `data: { i } });`,
      ].join('\n'),
    );
    const writers = ['w1', 'w2', 'w3', 'w4'].map(
      (name) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, path, name], {
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          child.on('error', reject);
          child.on('exit', (code) => resolve(code ?? -1));
        }),
    );

    expect(await Promise.all(writers)).toEqual([0, 0, 0, 0]);
    const result = verifyChainLines(linesOf(path), readWrittenTail(path).tail);
    expect(result).toMatchObject({ ok: true, records: 600 });
    const perWriter = new Map<string, number>();
    for (const line of linesOf(path).filter(Boolean)) {
      const { runId } = JSON.parse(line) as { runId: string };
      perWriter.set(runId, (perWriter.get(runId) ?? 0) + 1);
    }
    expect([...perWriter.values()]).toEqual([150, 150, 150, 150]);
  }, 60_000);

  it('ignores an unusable tail file (left by a crash), says so, and writes it again', async () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b']);
    writeFileSync(toTailPath(path), '');

    const cli = await verifyWithCli(path);
    writeLog(path, ['c']);

    expect(cli.code).toBe(0);
    expect(cli.err).toContain('is not an audit tail');
    expect(readWrittenTail(path).tail?.seq).toBe(3);
  });

  it('puts a record after a last line that lost its newline on a line of its own', () => {
    const path = newLogPath();
    writeLog(path, ['a', 'b']);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\n$/, ''));

    writeLog(path, ['c']);

    expect(verifyChainLines(linesOf(path), readWrittenTail(path).tail)).toMatchObject({
      ok: true,
      records: 3,
    });
  });
});

describe('verifyLogFile', () => {
  const notes = Array.from({ length: 50 }, (_, i) => `note ${i} ${'é'.repeat(i % 7)}`);

  it('checks a log piece by piece as it checks it whole, naming the same lines', () => {
    const path = newLogPath();
    writeLog(path, notes);
    const { tail } = readWrittenTail(path);
    const edited = newLogPath();
    writeFileSync(edited, readFileSync(path, 'utf8').replace('note 37', 'note 73'));
    const cut = newLogPath();
    writeFileSync(cut, `${linesOf(path).slice(0, 45).join('\n')}\n`);

    for (const chunkBytes of [97, 1000, 1 << 20]) {
      expect(verifyLogFile(path, tail, { chunkBytes })).toMatchObject({ ok: true, records: 50 });
      expect(verifyLogFile(edited, tail, { chunkBytes })).toMatchObject({ ok: false, badLine: 38 });
      expect(verifyLogFile(cut, tail, { chunkBytes })).toMatchObject({
        ok: false,
        badLine: 46,
        reason: expect.stringContaining('records removed from the end'),
      });
    }
  });
});
