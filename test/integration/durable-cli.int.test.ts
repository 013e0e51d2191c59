import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProgram } from '../../src/cli/index.js';
import type { CliIo } from '../../src/cli/index.js';
import { createRedisConnection } from '../../src/queue/index.js';
import { FirebreakError } from '../../src/shared/index.js';
import { deletePrefix, uniquePrefix } from '../queue/stack.js';

/** Runs `firebreak ...` against the test Redis under `prefix`, as `main` would. */
async function firebreak(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let exitCode = 0;
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    exitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  try {
    await createProgram(io, env).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof FirebreakError)) throw error;
    err.push(`error: ${error.message}`);
    exitCode = 1;
  }
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
}

describe('firebreak CLI on the durable queue', () => {
  const prefix = uniquePrefix();
  const env = {
    ...process.env,
    REDIS_URL: inject('redisUrl'),
    FIREBREAK_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  };
  const instance = 'instanceId=i-0123456789abcdef0';
  let runId = '';
  let startedErr = '';

  beforeAll(async () => {
    process.env['LOG_LEVEL'] = 'silent';
    const started = await firebreak(
      env,
      'run',
      'ec2-compromised-instance',
      instance,
      '--as',
      'alice',
    );
    runId = /^(run-[0-9a-f]+) started/m.exec(started.out)?.[1] ?? '';
    startedErr = started.err;
  });

  afterAll(async () => {
    const redis = createRedisConnection(inject('redisUrl'));
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('queues a run and prints its id without running it in-process', async () => {
    expect(runId).toMatch(/^run-[0-9a-f]{12}$/);
    expect(startedErr).toContain('no firebreak worker is connected to this Redis');
    const runs = await firebreak(env, 'runs', '--active');
    expect(runs.out).toContain(`${runId}  ec2-compromised-instance  running  detect/describe`);
  });

  it("shows a run's steps", async () => {
    const status = await firebreak(env, 'status', runId);

    expect(status.exitCode).toBe(0);
    expect(status.out).toMatch(/detect\s+describe\s+aws\.ec2\.describeInstance\s+running/);
    expect(status.out).toMatch(/contain\s+isolate\s+aws\.ec2\.isolateInstance\s+pending/);
    expect(status.out).toContain(
      'no firebreak worker is connected: the run goes on once one starts',
    );
  });

  it('makes a second run on the same instance wait for the lock', async () => {
    const second = await firebreak(env, 'run', 'ec2-compromised-instance', instance, '--as', 'bob');
    const secondId = /^(run-[0-9a-f]+) started/m.exec(second.out)?.[1] ?? '';

    expect(second.out).toContain(`${secondId} waits for the lock on "i-0123456789abcdef0"`);
    const active = await firebreak(env, 'runs', '--active');
    expect(active.out).toContain(
      `${secondId}  ec2-compromised-instance  running  waits-for-lock:i-0123456789abcdef0`,
    );
    const status = await firebreak(env, 'status', secondId);
    expect(status.out).toContain(`waits for the lock on "i-0123456789abcdef0", held by ${runId}`);
  });

  it('refuses an abort by someone the role map does not know, and audits it', async () => {
    const refused = await firebreak(env, 'abort', runId, '--reason', 'mine now', '--as', 'mallory');
    const exported = await firebreak(env, 'audit', 'export');

    expect(refused.exitCode).toBe(1);
    expect(refused.err).toContain('mallory is not allowed');
    expect(exported.out).toContain('"code":"ABORT_NOT_ALLOWED"');
    expect((await firebreak(env, 'status', runId)).out).not.toContain('aborted');
  });

  it('aborts a run with who and why, and refuses a second abort', async () => {
    const aborted = await firebreak(
      env,
      'abort',
      runId,
      '--reason',
      'false positive',
      '--as',
      'alice',
    );
    const again = await firebreak(env, 'abort', runId, '--reason', 'twice', '--as', 'alice');
    const status = await firebreak(env, 'status', runId);

    expect(aborted.out).toBe(`${runId} aborted by alice: false positive`);
    expect(again.exitCode).toBe(1);
    expect(again.err).toContain('already aborted');
    expect(status.out.split('aborted by alice: false positive')).toHaveLength(2);
  });

  it('exports the shared audit chain to JSON Lines that firebreak audit verify accepts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'firebreak-export-')), 'audit.jsonl');

    const exported = await firebreak(env, 'audit', 'export', '--out', file);
    const verified = await firebreak(env, 'audit', 'verify', file);

    expect(exported.exitCode).toBe(0);
    expect(exported.err).toMatch(/\d+ records exported to .*; chain intact/);
    expect(verified.out).toContain('chain intact');
    const types = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(
      expect.arrayContaining([
        'run.started',
        'lock.acquired',
        'lock.waiting',
        'run.abort_requested',
      ]),
    );
  });

  it('verifies the shared chain in Redis when audit verify gets no file', async () => {
    const verified = await firebreak(env, 'audit', 'verify');

    expect(verified.exitCode).toBe(0);
    expect(verified.out).toMatch(
      new RegExp(`^redis ${prefix}:audit: OK, \\d+ records, chain intact`),
    );
    expect(verified.out).toContain(`; ${prefix}:audit:tail agrees`);
  });

  describe('without REDIS_URL', () => {
    it('says what to set for commands that need the durable queue', async () => {
      const result = await firebreak({ ...env, REDIS_URL: '' }, 'runs');

      expect(result.exitCode).toBe(1);
      expect(result.err).toContain('firebreak runs needs the durable queue: set REDIS_URL');
    });
  });
});
