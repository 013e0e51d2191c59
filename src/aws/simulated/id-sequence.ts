/**
 * Deterministic ids for everything the simulated account creates, so that an exercise replays
 * identically. Ids look like AWS's (`sg-` and 17 hex digits) and start with `f` so that they
 * stand apart from seeded ones.
 */
export class IdSequence {
  private readonly counts = new Map<string, number>();

  /** The next `prefix-f0000000000000001` style id that `isTaken` does not refuse. */
  next(prefix: string, isTaken: (id: string) => boolean = () => false): string {
    for (;;) {
      const n = this.bump(prefix);
      const id = `${prefix}-f${n.toString(16).padStart(16, '0')}`;
      if (!isTaken(id)) return id;
    }
  }

  /** The next UUID-shaped id of a kind (`message`, `request`...). */
  nextUuid(kind: string): string {
    const n = this.bump(`uuid:${kind}`);
    const kindHex = [...kind].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 0xffff, 7);
    const tail = n.toString(16).padStart(12, '0');
    return `00000000-${kindHex.toString(16).padStart(4, '0')}-4000-8000-${tail}`;
  }

  /** The counters, for saving the sequence beside a saved state. */
  counters(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Replaces the counters with saved ones (see {@link counters}). */
  restore(counters: Readonly<Record<string, number>>): void {
    this.counts.clear();
    for (const [key, n] of Object.entries(counters)) this.counts.set(key, n);
  }

  private bump(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }
}
