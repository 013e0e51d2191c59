import { describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import type { AuditEntry, AuditSink } from './audit-entry.js';

/** A refusal of a request nobody has proven yet (a forged signature, an unknown topic). */
export interface RefusalEntry extends AuditEntry {
  readonly type: 'trigger.refused' | 'request.refused';
  readonly data: Readonly<Record<string, unknown>> & { readonly code: string };
}

/** Options for {@link RefusalAudit}. */
export interface RefusalAuditOptions {
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Length of a counting window, in milliseconds. Default one minute. */
  readonly windowMs?: number;
  /** Refusals of one type and code recorded one by one per window. Default 20. */
  readonly recordedPerWindow?: number;
}

interface RefusalWindow {
  readonly first: RefusalEntry;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  recorded: number;
  counted: number;
  /** Addresses the counted refusals came from, with how many each (at most a few kept). */
  readonly from: Map<string, number>;
  cancelTimer?: () => void;
}

/** Distinct addresses a count record names; the rest are counted as `other`. */
const MAX_ADDRESSES_NAMED = 10;

const DEFAULT_WINDOW_MS = 60_000;
const DEFAULT_RECORDED_PER_WINDOW = 20;

/**
 * Audits refusals of unproven requests without letting a flood of them grow the audit log one
 * record per request. Per refusal type and code, the first `recordedPerWindow` refusals of a
 * window are recorded in full; the rest are counted, and one record at the end of the window
 * (or at {@link flush}) says how many, with the window's start and end. Nothing is dropped
 * without a trace: the chain always holds either the refusal or its count.
 */
export class RefusalAudit {
  private readonly windows = new Map<string, RefusalWindow>();
  private readonly windowMs: number;
  private readonly recordedPerWindow: number;

  constructor(private readonly options: RefusalAuditOptions) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.recordedPerWindow = options.recordedPerWindow ?? DEFAULT_RECORDED_PER_WINDOW;
  }

  /** Records the refusal, or counts it when its window has recorded enough of its kind. */
  async record(entry: RefusalEntry): Promise<void> {
    const key = `${entry.type}:${entry.data.code}`;
    const nowMs = this.options.clock.now();
    let window = this.windows.get(key);
    if (window !== undefined && nowMs >= window.endsAtMs) {
      await this.close(key);
      // Another refusal may have opened the next window while the count was written.
      window = this.windows.get(key);
    }
    if (window === undefined) {
      window = {
        first: entry,
        startsAtMs: nowMs,
        endsAtMs: nowMs + this.windowMs,
        recorded: 0,
        counted: 0,
        from: new Map(),
      };
      this.windows.set(key, window);
    }
    if (window.recorded < this.recordedPerWindow) {
      window.recorded++;
      await this.options.audit.append(entry);
      return;
    }
    window.counted++;
    const address = entry.data['remoteAddress'];
    const named = typeof address === 'string' ? address : 'unknown';
    const known = window.from.has(named) || window.from.size < MAX_ADDRESSES_NAMED;
    const bucket = known ? named : 'other';
    window.from.set(bucket, (window.from.get(bucket) ?? 0) + 1);
    if (window.cancelTimer === undefined) {
      const closing = window;
      window.cancelTimer = this.options.clock.setTimer(window.endsAtMs, () => {
        if (this.windows.get(key) !== closing) return;
        this.close(key).catch((error: unknown) => {
          const counted = closing.counted;
          this.options.logger.error('count of refusals not audited', {
            key,
            counted,
            error: describeError(error),
          });
        });
      });
    }
  }

  /** Writes the counts of every open window (on shutdown). */
  async flush(): Promise<void> {
    for (const key of [...this.windows.keys()]) await this.close(key);
  }

  private async close(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window === undefined) return;
    this.windows.delete(key);
    window.cancelTimer?.();
    if (window.counted === 0) return;
    const { type, actor, data } = window.first;
    await this.options.audit.append({
      type,
      actor,
      data: {
        code: data.code,
        source: data['source'],
        countedNotRecorded: window.counted,
        countedFrom: Object.fromEntries(window.from),
        from: new Date(window.startsAtMs).toISOString(),
        to: new Date(Math.min(window.endsAtMs, this.options.clock.now())).toISOString(),
        reason:
          `${window.counted} more refusals with code ${data.code} in this window were ` +
          `counted, not recorded one by one (${window.recorded} were)`,
      },
    });
  }
}
