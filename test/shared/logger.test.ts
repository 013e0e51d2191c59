import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function linesWritten(write: (logger: ReturnType<typeof createLogger>) => void) {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-log-'));
  const path = join(dir, 'log.jsonl');
  const fd = openSync(path, 'w');
  write(createLogger({ level: 'info', destinationFd: fd }));
  closeSync(fd);
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes JSON lines carrying the fields of every child on the way, and its own', () => {
    const lines = linesWritten((logger) => {
      const step = logger.child({ runId: 'run-1' }).child({ stepId: 'isolate' });
      step.warn('step failed', { code: 'UnauthorizedOperation' });
      logger.info('plain');
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      app: 'firebreak',
      level: 40,
      runId: 'run-1',
      stepId: 'isolate',
      code: 'UnauthorizedOperation',
      msg: 'step failed',
    });
    expect(lines[1]).toMatchObject({ msg: 'plain' });
    expect(lines[1]).not.toHaveProperty('runId');
  });

  it('drops lines below its level, from children too', () => {
    const lines = linesWritten((logger) => {
      logger.child({ runId: 'run-1' }).debug('noise');
      logger.child({ runId: 'run-2' }).error('kept');
    });
    expect(lines.map((line) => [line['msg'], line['runId']])).toEqual([['kept', 'run-2']]);
  });
});
