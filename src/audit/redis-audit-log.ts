import type { Writable } from 'node:stream';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Clock } from '../shared/index.js';
import type { AuditEntry, AuditRecord, AuditSink } from './audit-entry.js';
import { GENESIS_HASH, sealRecord } from './hash-chain.js';
import { verifyChainLines } from './verify-chain.js';
import type { ChainVerification } from './verify-chain.js';

/** Where the chain ends: the last record's number and hash (0 and the genesis hash when empty). */
export interface ChainTail {
  readonly seq: number;
  readonly hash: string;
}

/** Entries sealed onto a known tail, ready for a script to write atomically. */
export interface SealedAuditBatch {
  readonly expected: ChainTail;
  readonly next: ChainTail;
  readonly lines: readonly string[];
  readonly records: readonly AuditRecord[];
}

/**
 * One write that carries audit entries, possibly with other keys in the same Lua script (the run
 * store writes a run's state and its audit records together). The script must start with
 * {@link AUDIT_LUA_FUNCTIONS}' `audit_check` and answer `{'tail', seq, hash}` when the chain moved.
 */
export interface AuditWrite<T> {
  readonly entries: readonly AuditEntry[];
  /** Adds the script call for `batch` to the pipeline. */
  queue(pipeline: ChainableCommander, batch: SealedAuditBatch): void;
  /** Reads the script's reply (not called for `tail` replies). `wrote` says whether lines landed. */
  settle(reply: unknown[], batch: SealedAuditBatch): { wrote: boolean; value: T };
}

/**
 * Lua helpers shared by every script that appends to the chain. `audit_check` returns nil when
 * the tail is the one the batch was sealed on; `audit_write` adds the lines and moves the tail.
 */
export const AUDIT_LUA_FUNCTIONS = `
local function audit_check(tailKey, expectedSeq, expectedHash)
  local tail = redis.call('HMGET', tailKey, 'seq', 'hash')
  local seq = tonumber(tail[1]) or 0
  local hash = tail[2] or '${GENESIS_HASH}'
  if seq ~= tonumber(expectedSeq) or hash ~= expectedHash then return {seq, hash} end
  return nil
end
local function audit_write(streamKey, tailKey, argv, firstLine, newSeq, newHash)
  for i = firstLine, #argv do redis.call('XADD', streamKey, '*', 'r', argv[i]) end
  redis.call('HSET', tailKey, 'seq', newSeq, 'hash', newHash)
end
`;

/** Appends remembered (by the hash they end on) to tell one sent again from a new one. */
const APPENDS_REMEMBERED = 20_000;

// KEYS: stream, tail, recent appends. ARGV: expectedSeq, expectedHash, newSeq, newHash, lines...
// An append the client sent again after a dropped connection finds the chain moved on, and its
// own last hash among the recent appends: it landed the first time, and is answered as such.
const APPEND_SCRIPT = `${AUDIT_LUA_FUNCTIONS}
local moved = audit_check(KEYS[2], ARGV[1], ARGV[2])
if moved then
  if #ARGV >= 5 and redis.call('ZSCORE', KEYS[3], ARGV[4]) then return {'ok'} end
  return {'tail', moved[1], moved[2]}
end
audit_write(KEYS[1], KEYS[2], ARGV, 5, ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -${APPENDS_REMEMBERED + 1})
return {'ok'}
`;

/** Options for {@link RedisAuditLog}. */
export interface RedisAuditLogOptions {
  /** A connection this log may share; it issues only plain commands and scripts on it. */
  redis: Redis;
  /** Key prefix, e.g. `firebreak`; the log lives at `<prefix>:audit` and `<prefix>:audit:tail`. */
  prefix: string;
  clock: Clock;
  /** Marks every record as describing the simulated account. */
  simulated: boolean;
}

/**
 * A pipeline look-alike that sends each command at once, in order, on the one connection;
 * `exec` collects the replies. Building a real pipeline copies every script the connection
 * knows (BullMQ defines dozens), which costs more than these writes.
 */
function directCommander(redis: Redis): ChainableCommander {
  const replies: Promise<[Error | null, unknown]>[] = [];
  const commands = redis as unknown as Record<
    string | symbol,
    (...args: unknown[]) => Promise<unknown>
  >;
  const target = { exec: () => Promise.all(replies) };
  return new Proxy(target, {
    get(object, name) {
      if (name === 'exec') return object.exec;
      const command = commands[name];
      if (typeof command !== 'function') throw new TypeError(`no Redis command ${String(name)}`);
      return (...args: unknown[]) => {
        const reply = command.apply(redis, args).then(
          (value): [null, unknown] => [null, value],
          (error: Error): [Error, undefined] => [error, undefined],
        );
        replies.push(reply);
      };
    },
  }) as unknown as ChainableCommander;
}

/** Rounds of writes on the wire at once (the next is sealed on the tail they will leave). */
const MAX_ROUNDS_IN_FLIGHT = 4;

interface Pending {
  /** Order of issue: resealed writes go out again in it. */
  order: number;
  write: AuditWrite<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The shared audit log of every worker: one Redis stream holding one hash chain, in the same
 * sealed JSON lines as {@link FileAuditLog}. Appends are compare-and-set on the chain's tail,
 * inside a Lua script, so records from several processes never fork the chain; a process whose
 * view of the tail is old reseals and retries. Writes queued while rounds are in flight go out
 * together, back to back on the connection (group commit); up to four rounds are in flight at
 * once, each sealed on the tail the ones before it will leave.
 */
export class RedisAuditLog implements AuditSink {
  /** The stream of sealed lines (field `r`). */
  readonly streamKey: string;
  /** Hash with the chain's last `seq` and `hash`. */
  readonly tailKey: string;
  /** The last hashes of recent appends, by `seq` (see APPEND_SCRIPT). */
  private readonly recentKey: string;
  /** Writes resealed because another process appended first (contention, for metrics). */
  retries = 0;
  private tail: ChainTail | undefined;
  private pending: Pending[] = [];
  /** Writes to reseal because their round found the chain moved, in order of issue. */
  private retry: Pending[] = [];
  private inFlight = 0;
  private issued = 0;
  /** True once a round did not leave the tail foreseen: the next waits for the rest. */
  private resync = false;

  constructor(private readonly options: RedisAuditLogOptions) {
    this.streamKey = `${options.prefix}:audit`;
    this.tailKey = `${options.prefix}:audit:tail`;
    this.recentKey = `${options.prefix}:audit:recent`;
    options.redis.defineCommand('firebreakAuditAppend', { numberOfKeys: 3, lua: APPEND_SCRIPT });
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const records = await this.appendMany([entry]);
    return records[0] as AuditRecord;
  }

  /** Appends entries as consecutive records. */
  appendMany(entries: readonly AuditEntry[]): Promise<readonly AuditRecord[]> {
    return this.write<readonly AuditRecord[]>({
      entries,
      queue: (pipeline, batch) => {
        const tail = [batch.expected.seq, batch.expected.hash, batch.next.seq, batch.next.hash];
        const call = pipeline as unknown as Record<string, (...args: unknown[]) => unknown>;
        const keys = [this.streamKey, this.tailKey, this.recentKey];
        call['firebreakAuditAppend']?.(...keys, ...tail, ...batch.lines);
      },
      settle: (_reply, batch) => ({ wrote: true, value: batch.records }),
    });
  }

  /** Runs a write that carries audit entries; resolves with what its `settle` returns. */
  write<T>(write: AuditWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const order = this.issued++;
      this.pending.push({ order, write, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  /** Every sealed line, oldest first, in pages of `pageSize`. */
  async *lines(pageSize = 1000): AsyncGenerator<string> {
    let start = '-';
    for (;;) {
      const page = await this.options.redis.xrange(this.streamKey, start, '+', 'COUNT', pageSize);
      // An entry that is not one sealed `r` field is shown as such, never skipped as blank.
      for (const [, fields] of page) {
        const sealed = fields.length === 2 && fields[0] === 'r' && fields[1]?.trim();
        yield sealed ? (fields[1] as string) : `(stream entry without a sealed record)`;
      }
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      start = `(${last[0]}`;
    }
  }

  /** Checks the whole chain as `firebreak audit verify` checks a file. */
  async verify(): Promise<ChainVerification> {
    const all: string[] = [];
    for await (const line of this.lines()) all.push(line);
    const result = verifyChainLines(all);
    if (!result.ok) return result;
    // The tail is written with every append: a stream cut short or replaced no longer meets it.
    const tail = await this.readTail();
    if (tail.seq === result.records && tail.hash === result.lastHash) return result;
    return {
      ok: false,
      records: result.records,
      badLine: result.records + 1,
      reason: `the stream ends at record ${result.records} but the chain's tail is record ${tail.seq} (records removed from the end, or the stream replaced)`,
    };
  }

  /**
   * Sends the writes waiting, as one round, when a round may go: at most
   * {@link MAX_ROUNDS_IN_FLIGHT} at once, each sealed on the tail the rounds before it will
   * leave. After a round that did not move the chain as foreseen, the next waits for the rounds
   * in flight (they fail too) and reseals on the tail they report.
   */
  private pump(): void {
    if (this.retry.length + this.pending.length === 0) return;
    if (this.inFlight >= MAX_ROUNDS_IN_FLIGHT) return;
    if (this.inFlight > 0 && (this.resync || this.tail === undefined)) return;
    this.resync = false;
    const round = [...this.retry, ...this.pending];
    this.retry = [];
    this.pending = [];
    this.inFlight++;
    void this.flush(round).then((retry) => {
      this.inFlight--;
      // Rounds mostly settle in the order they left, but not always (a script Redis had
      // forgotten is sent again after the rounds behind it), so resealed writes are sorted.
      this.retry.push(...retry);
      this.retry.sort((a, b) => a.order - b.order);
      this.pump();
    });
  }

  /** Sends one pipeline of writes; returns those to reseal because the chain moved. */
  private async flush(round: Pending[]): Promise<Pending[]> {
    let tail: ChainTail;
    try {
      tail = this.tail ?? (await this.readTail());
    } catch (error) {
      for (const item of round) item.reject(error);
      return [];
    }
    const pipeline = directCommander(this.options.redis);
    // The round's scripts leave in one socket write, not one each.
    const socket = (this.options.redis as { stream?: Writable }).stream;
    socket?.cork();
    let batches: SealedAuditBatch[];
    try {
      batches = round.map((item) => {
        const batch = this.seal(item.write.entries, tail);
        tail = batch.next;
        item.write.queue(pipeline, batch);
        return batch;
      });
    } finally {
      socket?.uncork();
    }
    // Foreseen: the next round seals on the tail this one leaves.
    this.tail = tail;

    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      this.tail = undefined;
      for (const item of round) item.reject(error);
      return [];
    }
    return this.settle(round, batches, replies ?? []);
  }

  private settle(
    round: Pending[],
    batches: SealedAuditBatch[],
    replies: [Error | null, unknown][],
  ) {
    const retry: Pending[] = [];
    for (const [index, item] of round.entries()) {
      const batch = batches[index] as SealedAuditBatch;
      const [error, reply] = replies[index] ?? [new Error('no reply from Redis'), undefined];
      if (error) {
        this.tail = undefined;
        this.resync = true;
        // NOSCRIPT: Redis lost its scripts (SCRIPT FLUSH, a failover) and ran nothing; ioredis
        // tries once more, and a write that meets another flush is sealed and sent again here.
        if (error.message.startsWith('NOSCRIPT')) retry.push(item);
        else item.reject(error);
        continue;
      }
      const fields = reply as unknown[];
      if (fields[0] === 'tail') {
        // Another process appended first (or an earlier write of this round did not land).
        this.tail = { seq: Number(fields[1]), hash: String(fields[2]) };
        this.resync = true;
        this.retries++;
        retry.push(item);
        continue;
      }
      try {
        const settled = item.write.settle(fields, batch);
        if (!settled.wrote) {
          // Refused before its lines were written: where the chain ends is read again.
          this.tail = undefined;
          this.resync = true;
        }
        item.resolve(settled.value);
      } catch (settleError) {
        item.reject(settleError);
      }
    }
    return retry;
  }

  private seal(entries: readonly AuditEntry[], on: ChainTail): SealedAuditBatch {
    const time = new Date(this.options.clock.now()).toISOString();
    const lines: string[] = [];
    const records: AuditRecord[] = [];
    let tail = on;
    for (const entry of entries) {
      const link = {
        seq: tail.seq + 1,
        prevHash: tail.hash,
        time,
        simulated: this.options.simulated,
      };
      const { record, line } = sealRecord(entry, link);
      lines.push(line);
      records.push(record);
      tail = { seq: record.seq, hash: record.hash };
    }
    return { expected: on, next: tail, lines, records };
  }

  private async readTail(): Promise<ChainTail> {
    const [seq, hash] = await this.options.redis.hmget(this.tailKey, 'seq', 'hash');
    return { seq: Number(seq ?? 0), hash: hash ?? GENESIS_HASH };
  }
}
