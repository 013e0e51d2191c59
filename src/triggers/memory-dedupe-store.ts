import type { Clock } from '../shared/index.js';
import type {
  DedupeStore,
  DeliveryClaim,
  DeliveryClaimRequest,
  IncidentClaim,
} from './dedupe-store.js';

/** Default for {@link MemoryDedupeStoreOptions.maxEntries}. */
export const DEFAULT_MEMORY_DEDUPE_MAX_ENTRIES = 100_000;

/** Options for {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Time source for expiry. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /**
   * Most records kept per kind (MessageIds, incidents); past it the oldest go first, which
   * lets a very old redelivery through. Default 100,000.
   */
  maxEntries?: number;
}

class ExpiringMap {
  // Insertion order is expiry order while TTLs stay the same, so sweeping from the front
  // keeps memory bounded without a timer.
  private readonly entries = new Map<string, { value: string; expiresAtMs: number }>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries: number,
  ) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expiresAtMs <= this.now()) return undefined;
    return entry.value;
  }

  setIfAbsent(key: string, value: string, ttlMs: number): string | undefined {
    const held = this.get(key);
    if (held !== undefined) return held;
    this.entries.delete(key);
    this.sweep();
    this.entries.set(key, { value, expiresAtMs: this.now() + ttlMs });
    return undefined;
  }

  delete(key: string, value?: string): void {
    if (value === undefined || this.get(key) === value) this.entries.delete(key);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

/**
 * A {@link DedupeStore} in this process: the embedded default and tests. Servers that do not
 * share it do not agree, so production uses {@link RedisDedupeStore}.
 */
export class MemoryDedupeStore implements DedupeStore {
  private readonly messages: ExpiringMap;
  private readonly incidents: ExpiringMap;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const clock = options.clock;
    const now = clock === undefined ? () => Date.now() : () => clock.now();
    const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_DEDUPE_MAX_ENTRIES;
    this.messages = new ExpiringMap(now, maxEntries);
    this.incidents = new ExpiringMap(now, maxEntries);
  }

  async claimDelivery(request: DeliveryClaimRequest): Promise<DeliveryClaim> {
    if (this.messages.setIfAbsent(request.messageId, '1', request.messageTtlMs) !== undefined) {
      return { duplicate: true };
    }
    const incidents = request.incidents.map(({ incidentKey, runId, windowMs }): IncidentClaim => {
      const held = this.incidents.setIfAbsent(incidentKey, runId, windowMs);
      return held === undefined ? { claimed: true, runId } : { claimed: false, runId: held };
    });
    return { duplicate: false, incidents };
  }

  async releaseMessage(messageId: string): Promise<void> {
    this.messages.delete(messageId);
  }

  async findIncident(incidentKey: string): Promise<string | undefined> {
    return this.incidents.get(incidentKey);
  }

  async releaseIncident(incidentKey: string, runId: string): Promise<void> {
    this.incidents.delete(incidentKey, runId);
  }
}
