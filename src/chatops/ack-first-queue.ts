import { performance } from 'node:perf_hooks';

/** Default for {@link AckFirstQueueOptions.quietMs}. */
export const DEFAULT_ACK_QUIET_MS = 2;
/** Default for {@link AckFirstQueueOptions.maxDeferMs}. */
export const DEFAULT_ACK_MAX_DEFER_MS = 50;

/** Options for {@link AckFirstQueue}. */
export interface AckFirstQueueOptions {
  /** Work starts once no request has come in for this long, in milliseconds. Default 2. */
  quietMs?: number;
  /** ...or once the oldest waiting task has waited this long, in milliseconds. Default 50. */
  maxDeferMs?: number;
  /** Monotonic time in milliseconds. Default `performance.now`. */
  now?: () => number;
}

/**
 * Holds the work that follows Slack acknowledgements (starting runs, posting messages) while
 * requests are still coming in, so that a burst of commands is acknowledged before any of
 * their work takes the event loop: Slack gives three seconds, a run can wait a few
 * milliseconds more. Work never waits longer than `maxDeferMs`.
 */
export class AckFirstQueue {
  private readonly quietMs: number;
  private readonly maxDeferMs: number;
  private readonly now: () => number;
  private lastRequestAt = -Infinity;
  private waiting: { task: () => void; queuedAt: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: AckFirstQueueOptions = {}) {
    this.quietMs = options.quietMs ?? DEFAULT_ACK_QUIET_MS;
    this.maxDeferMs = options.maxDeferMs ?? DEFAULT_ACK_MAX_DEFER_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** A request came in: work keeps waiting for a quiet moment. */
  noteRequest(): void {
    this.lastRequestAt = this.now();
  }

  /** Runs `task` at the next quiet moment (or when it has waited `maxDeferMs`). */
  defer(task: () => void): void {
    this.waiting.push({ task, queuedAt: this.now() });
    this.arm();
  }

  private arm(): void {
    if (this.timer || this.waiting.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, this.quietMs);
  }

  private release(): void {
    const now = this.now();
    const oldest = this.waiting[0]?.queuedAt ?? now;
    if (now - this.lastRequestAt < this.quietMs && now - oldest < this.maxDeferMs) {
      return this.arm();
    }
    const due = this.waiting;
    this.waiting = [];
    for (const { task } of due) task();
  }
}
