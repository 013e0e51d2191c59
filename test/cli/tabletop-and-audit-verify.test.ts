import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from './capture-io.js';

describe('firebreak tabletop and audit verify', () => {
  const log = join(mkdtempSync(join(tmpdir(), 'fb-cli-')), 'audit.jsonl');

  it('runs the exercise, prints the timeline and passes', async () => {
    const cli = captureIo();
    await main(['tabletop', 'exercises/ec2-crypto-mining.yaml', '--audit-log', log], cli.io);
    const text = cli.out.join('\n');
    expect(cli.code()).toBe(0);
    expect(text).toContain('SIMULATED account');
    expect(text).toMatch(/\+0:04:00 {2}approval\.decided +isolate approve by alice/);
    expect(text).toContain('8 of 8 expectations held: PASSED');
  });

  it('gives a second exercise on the same log run ids of its own', async () => {
    const runIdsIn = () =>
      new Set(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .flatMap((line) => (JSON.parse(line) as { runId?: string }).runId ?? []),
      );
    const before = runIdsIn();
    const cli = captureIo();

    await main(['tabletop', 'exercises/ec2-crypto-mining.yaml', '--audit-log', log], cli.io);

    const added = [...runIdsIn()].filter((id) => !before.has(id));
    expect(before.size).toBeGreaterThan(0);
    expect(added).toHaveLength(before.size);
    expect(added.every((id) => /^tabletop-[0-9a-f]{6}-\d{6}$/.test(id))).toBe(true);
  });

  it('says a missing exercise in one line, naming the ones there are', async () => {
    const cli = captureIo();

    await main(['tabletop', 'exercises/no-such-exercise.yaml'], cli.io);

    expect(cli.code()).toBe(1);
    expect(cli.err).toEqual([
      'error: no exercise file exercises/no-such-exercise.yaml; give a path or a name from exercises/ (ec2-crypto-mining)',
    ]);
  });

  it('takes an exercise by its name in exercises/', async () => {
    const cli = captureIo();

    await main(['tabletop', 'ec2-crypto-mining', '--audit-log', log], cli.io);

    expect(cli.code()).toBe(0);
    expect(cli.out.join('\n')).toContain('8 of 8 expectations held: PASSED');
  });

  it('prints an unexpected system error in one line, without a stack trace', async () => {
    const cli = captureIo();

    await main(['tabletop', 'exercises'], cli.io);

    expect(cli.code()).toBe(1);
    expect(cli.err).toEqual(['error: EISDIR: illegal operation on a directory, read']);
  });

  it('verifies the log it wrote', async () => {
    const cli = captureIo();
    await main(['audit', 'verify', log], cli.io);
    expect(cli.code()).toBe(0);
    expect(cli.out.join('\n')).toMatch(/OK, \d+ records, chain intact/);
  });

  it('fails on a copy with one byte changed and names the line', async () => {
    const lines = readFileSync(log, 'utf8').split('\n');
    const target = lines.findIndex((l) => l.includes('"approval.decided"'));
    lines[target] = (lines[target] as string).replace('"alice"', '"alicf"');
    const copy = `${log}.tampered`;
    writeFileSync(copy, lines.join('\n'));
    const cli = captureIo();
    await main(['audit', 'verify', copy], cli.io);
    expect(cli.code()).toBe(1);
    expect(cli.err.join('\n')).toContain(`${copy}:${target + 1}: audit chain broken`);
  });

  it('exits 1 with a JSON report when an expectation fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-cli-'));
    const exercise = readFileSync('exercises/ec2-crypto-mining.yaml', 'utf8')
      .replace('runbooks: [../runbooks]', `runbooks: [${join(process.cwd(), 'runbooks')}]`)
      .replace('sns: fixtures/', `sns: ${join(process.cwd(), 'exercises', 'fixtures')}/`)
      .replace('that: $count(runs) = 1 and', 'that: $count(runs) = 2 and');
    writeFileSync(join(dir, 'x.yaml'), exercise);
    const cli = captureIo();
    await main(
      ['tabletop', join(dir, 'x.yaml'), '--json', '--audit-log', join(dir, 'a.jsonl')],
      cli.io,
    );
    expect(cli.code()).toBe(1);
    const report = JSON.parse(cli.out.join('\n')) as {
      passed: boolean;
      expectations: { passed: boolean }[];
    };
    expect(report.passed).toBe(false);
    expect(report.expectations.filter((e) => !e.passed)).toHaveLength(1);
  });
});
