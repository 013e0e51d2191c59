import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, waitForPing } from './integration/own-redis-server.js';
import { CORPUS_DIR } from './triggers/corpus.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * Gives the tests a Redis: REDIS_URL when set, otherwise a redis-server of our own on a free
 * loopback port in a temporary folder. Fails at once, saying what to install, when neither works.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(CORPUS_DIR)) {
    throw new Error(
      `The tests read the shared sample messages from ${CORPUS_DIR}, which is missing. ` +
        `Put the project's shared folder beside this clone (../shared/corpus, as CI does) ` +
        `or set FIREBREAK_CORPUS_DIR to the corpus folder.`,
    );
  }
  const fromEnv = process.env['REDIS_URL'];
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return () => undefined;
  }
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error) {
    throw new Error(
      'The tests need Redis. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL=redis://127.0.0.1:6379.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-test-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--hz',
      '50',
    ],
    { stdio: 'ignore' },
  );
  await waitForPing(port);
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  return () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
}
