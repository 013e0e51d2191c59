import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from './capture-io.js';

describe('firebreak run, in-process', () => {
  const saved = { ...process.env };
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fb-run-'));
    process.env['FIREBREAK_DATA_DIR'] = dataDir;
    process.env['LOG_LEVEL'] = 'silent';
    delete process.env['REDIS_URL'];
  });

  afterEach(() => {
    process.env = { ...saved };
  });

  it('carries an in-process run through a wait step to its end', async () => {
    const runbooks = join(dataDir, 'runbooks');
    mkdirSync(runbooks);
    writeFileSync(
      join(runbooks, 'pause.yaml'),
      [
        'name: pause',
        'title: Wait, then note',
        'severity: low',
        'phases:',
        '  detect:',
        '    - { id: settle, action: wait, with: { duration: 300ms } }',
        '    - { id: tell, action: note, with: { text: settled } }',
        '',
      ].join('\n'),
    );
    process.env['FIREBREAK_RUNBOOKS'] = runbooks;
    const cli = captureIo();

    await main(['run', 'pause', '--as', 'alice'], cli.io);

    expect(cli.code()).toBe(0);
    const out = cli.out.join('\n');
    expect(out).toMatch(/waits until \d{4}-\d\d-\d\dT/);
    expect(out).toMatch(/settle\s+wait\s+succeeded/);
    expect(out).toMatch(/tell\s+note\s+succeeded/);
  });

  it('refuses a denial without a reason before deciding anything', async () => {
    const cli = captureIo();
    await main(['approve', 'run-000001', 'isolate', '--as', 'alice', '--deny'], cli.io);

    expect(cli.code()).toBe(1);
    expect(cli.err).toEqual([
      'error: a denial needs a reason: add --reason "why" (it goes into the audit log)',
    ]);
  });

  it("refuses a user who holds none of the runbook's run roles, and audits it", async () => {
    const cli = captureIo();
    await main(
      ['run', 'ec2-compromised-instance', 'instanceId=i-0123456789abcdef0', '--as', 'mallory'],
      cli.io,
    );

    expect(cli.code()).toBe(1);
    expect(cli.err.join('\n')).toContain(
      'mallory holds none of the roles that may run ec2-compromised-instance',
    );
    const audit = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"type":"request.refused"');
    expect(audit).not.toContain('"type":"run.started"');
  });

  it('refuses --approve-as naming the requester or a non-approver before any step acts', async () => {
    const self = captureIo();
    const other = captureIo();

    await main(
      [
        ...['run', 'ec2-compromised-instance', 'instanceId=i-0123456789abcdef0'],
        ...['--as', 'alice', '--approve-as', 'alice'],
      ],
      self.io,
    );
    await main(
      [
        ...['run', 'ec2-compromised-instance', 'instanceId=i-0123456789abcdef0'],
        ...['--as', 'alice', '--approve-as', 'bob'],
      ],
      other.io,
    );

    expect([self.code(), other.code()]).toEqual([1, 1]);
    expect(self.err).toEqual([
      'error: --approve-as alice is also the requester; nobody approves their own run',
    ]);
    expect(other.err).toEqual([
      'error: --approve-as bob holds none of the roles that approve ec2-compromised-instance (ir-lead) in config/roles.yaml',
    ]);
    expect([...self.out, ...other.out]).toEqual([]);
  });

  it('runs for a responder and stops at the approval', async () => {
    const cli = captureIo();
    await main(
      ['run', 'ec2-compromised-instance', 'instanceId=i-0123456789abcdef0', '--as', 'bob'],
      cli.io,
    );

    const text = cli.out.join('\n');
    expect(text).toMatch(/waits for approval of step isolate/);
    expect(text).toContain('SIMULATED account');
  });

  it('refuses an input without "=" with a one-line error', async () => {
    const cli = captureIo();
    await main(
      ['run', 'ec2-compromised-instance', 'instanceId', 'i-0123456789abcdef0', '--as', 'bob'],
      cli.io,
    );
    expect(cli.code()).toBe(1);
    expect(cli.err).toEqual(['error: expected key=value, got "instanceId"']);
  });
});

describe('firebreak run on Redis', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('refuses --approve-as, which works only in-process, before starting anything', async () => {
    const prefix = `fbtest-approve-as-${process.pid}`;
    process.env['REDIS_URL'] = inject('redisUrl');
    process.env['FIREBREAK_QUEUE_PREFIX'] = prefix;
    process.env['LOG_LEVEL'] = 'silent';
    const cli = captureIo();

    await main(
      [
        ...['run', 'ec2-compromised-instance', 'instanceId=i-0123456789abcdef0'],
        ...['--as', 'bob', '--approve-as', 'alice'],
      ],
      cli.io,
    );

    expect(cli.code()).toBe(1);
    expect(cli.err).toEqual([
      "error: --approve-as works only in-process; with REDIS_URL a run's approvals are given one by one: firebreak approve RUN STEP --as alice",
    ]);
    expect(cli.out).toEqual([]);
    const redis = new Redis(inject('redisUrl'));
    try {
      expect(await redis.keys(`${prefix}:run:*`)).toEqual([]);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  });
});
