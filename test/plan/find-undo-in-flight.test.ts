import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/engine/index.js';
import { findUndoInFlight } from '../../src/plan/index.js';

const run = (runId: string, runbookId: string, status: RunState['status']) =>
  ({ runId, runbookId, status }) as RunState;

describe('findUndoInFlight', () => {
  it('finds an unfinished undo of the run, and nothing once it has finished', () => {
    const runs = [
      run('run-a', 'ec2-compromised-instance', 'succeeded'),
      run('run-u1', 'undo-run-a', 'succeeded'),
      run('run-u2', 'undo-run-a', 'awaiting_approval'),
      run('run-u3', 'undo-run-b', 'running'),
    ];
    expect(findUndoInFlight('run-a', runs)?.runId).toBe('run-u2');
    expect(findUndoInFlight('run-a', runs.slice(0, 2))).toBeUndefined();
    expect(findUndoInFlight('run-c', runs)).toBeUndefined();
  });
});
