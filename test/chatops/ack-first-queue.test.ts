import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckFirstQueue } from '../../src/chatops/ack-first-queue.js';

describe('AckFirstQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const create = () => new AckFirstQueue({ quietMs: 2, maxDeferMs: 20, now: () => Date.now() });

  it('starts work once requests have stopped coming for the quiet time', () => {
    const queue = create();
    const ran: string[] = [];
    queue.noteRequest();
    queue.defer(() => ran.push('a'));
    queue.defer(() => ran.push('b'));
    vi.advanceTimersByTime(1);
    queue.noteRequest();
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([]);

    vi.advanceTimersByTime(3);
    expect(ran).toEqual(['a', 'b']);
  });

  it('never holds work longer than the most it may wait, however busy', () => {
    const queue = create();
    const ran: number[] = [];
    queue.defer(() => ran.push(Date.now()));
    const startedAt = Date.now();
    for (let t = 0; t < 40; t++) {
      queue.noteRequest();
      vi.advanceTimersByTime(1);
    }
    expect(ran).toHaveLength(1);
    expect((ran[0] as number) - startedAt).toBeGreaterThanOrEqual(20);
    expect((ran[0] as number) - startedAt).toBeLessThanOrEqual(22);
  });

  it('runs work at the first quiet moment when no request came in', () => {
    const queue = create();
    let ran = false;
    queue.defer(() => (ran = true));
    vi.advanceTimersByTime(2);
    expect(ran).toBe(true);
  });
});
