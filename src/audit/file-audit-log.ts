import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../shared/index.js';
import type { AuditEntry, AuditRecord, AuditSink } from './audit-entry.js';
import { GENESIS_HASH, sealRecord } from './hash-chain.js';
import { AuditChainBrokenError } from './errors.js';
import { verifyChainLines } from './verify-chain.js';
import type { WrittenTail } from './verify-chain.js';

/** Options for {@link FileAuditLog}. */
export interface FileAuditLogOptions {
  /** The JSON Lines file; created with its folder when missing. */
  path: string;
  clock: Clock;
  /** Marks every record as describing the simulated account. */
  simulated: boolean;
}

/** The file beside a log that holds its last record's number and hash. */
export function toTailPath(logPath: string): string {
  return `${logPath}.tail`;
}

/**
 * The tail written beside a log, or undefined when there is none (a log copied on its own, or
 * written before tails were). A tail that cannot be read is an error: it is evidence too.
 */
export function readWrittenTail(logPath: string): WrittenTail | undefined {
  const path = toTailPath(logPath);
  if (!existsSync(path)) return undefined;
  const tail = JSON.parse(readFileSync(path, 'utf8')) as Partial<WrittenTail>;
  if (typeof tail.seq !== 'number' || typeof tail.hash !== 'string') {
    throw new Error(`${path} is not an audit tail ({"seq":N,"hash":"..."})`);
  }
  return { seq: tail.seq, hash: tail.hash };
}

/**
 * Append-only JSON Lines audit log, each record chained to the one before by SHA-256, with the
 * last record's number and hash rewritten beside it (`<file>.tail`) after each append, so that
 * records cut from the end show. An existing file is verified (against its tail) and
 * continued; a broken one is refused, never extended.
 */
export class FileAuditLog implements AuditSink {
  private seq = 0;
  private prevHash = GENESIS_HASH;
  /** The file's size after this instance's last read or append. */
  private bytes = 0;
  private readonly records: AuditRecord[] = [];

  constructor(private readonly options: FileAuditLogOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    if (existsSync(options.path)) this.resume();
  }

  private resume(): void {
    const text = readFileSync(this.options.path, 'utf8');
    this.bytes = Buffer.byteLength(text);
    const lines = text.split('\n');
    const result = verifyChainLines(lines, readWrittenTail(this.options.path));
    if (!result.ok)
      throw new AuditChainBrokenError(this.options.path, result.badLine, result.reason);
    this.seq = result.records;
    this.prevHash = result.lastHash;
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    return this.appendSync(entry);
  }

  /** Appends at once; file appends are synchronous so records never interleave. */
  appendSync(entry: AuditEntry): AuditRecord {
    // Another process (a second CLI run on this machine) appended since: continue its chain.
    const size = statSync(this.options.path, { throwIfNoEntry: false })?.size ?? 0;
    if (size !== this.bytes) this.resume();
    const time = new Date(this.options.clock.now()).toISOString();
    const link = {
      seq: this.seq + 1,
      prevHash: this.prevHash,
      time,
      simulated: this.options.simulated,
    };
    const { record, line } = sealRecord(entry, link);
    appendFileSync(this.options.path, `${line}\n`, 'utf8');
    this.bytes += Buffer.byteLength(line) + 1;
    const tail: WrittenTail = { seq: record.seq, hash: record.hash };
    writeFileSync(toTailPath(this.options.path), `${JSON.stringify(tail)}\n`, 'utf8');
    this.seq = record.seq;
    this.prevHash = record.hash;
    this.records.push(record);
    return record;
  }

  /** Records appended by this instance (not those already in the file). */
  written(): readonly AuditRecord[] {
    return this.records;
  }
}

/** An audit sink that keeps records in memory, chained the same way (tests, dry runs). */
export class MemoryAuditLog implements AuditSink {
  readonly lines: string[] = [];
  readonly records: AuditRecord[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly simulated = true,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const prevHash = this.records.at(-1)?.hash ?? GENESIS_HASH;
    const time = new Date(this.clock.now()).toISOString();
    const link = { seq: this.records.length + 1, prevHash, time, simulated: this.simulated };
    const { record, line } = sealRecord(entry, link);
    this.records.push(record);
    this.lines.push(line);
    return record;
  }
}
