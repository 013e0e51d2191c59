/** A source of time and timers; injected so that exercises run on virtual time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once the clock reaches `atMs`. Returns a function that cancels it. */
  setTimer(atMs: number, callback: () => void): () => void;
}

/** The wall clock. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(atMs, callback) {
      const handle = setTimeout(callback, Math.max(0, atMs - Date.now()));
      handle.unref?.();
      return () => clearTimeout(handle);
    },
  };
}

interface PendingTimer {
  atMs: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to. Timers fire in time order as `advanceTo` passes them,
 * so an hour-long exercise replays in milliseconds.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(atMs: number, callback: () => void): () => void {
    const timer = { atMs, seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** When the next timer is due, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.sorted()[0]?.atMs;
  }

  /** Moves to `targetMs`, firing each timer due on the way; returns how many fired. */
  advanceTo(targetMs: number): number {
    let fired = 0;
    for (;;) {
      const next = this.sorted()[0];
      if (next === undefined || next.atMs > targetMs) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.callback();
      fired++;
    }
    this.nowMs = Math.max(this.nowMs, targetMs);
    return fired;
  }

  private sorted(): PendingTimer[] {
    return [...this.timers].sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  }
}
