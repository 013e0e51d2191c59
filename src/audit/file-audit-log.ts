import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { FirebreakError } from '../shared/index.js';
import type { Clock } from '../shared/index.js';
import type { AuditEntry, AuditRecord, AuditSink } from './audit-entry.js';
import { lockFile } from './file-lock.js';
import { GENESIS_HASH, sealRecord } from './hash-chain.js';
import { AuditChainBrokenError } from './errors.js';
import { verifyChainLines } from './verify-chain.js';
import type { ChainVerification, WrittenTail } from './verify-chain.js';

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

/** What the tail file beside a log says: nothing (none there), a tail, or why it is unusable. */
export interface TailReading {
  readonly tail?: WrittenTail;
  readonly unreadable?: string;
}

/**
 * Reads the tail written beside a log. None is there for a log copied on its own or written
 * before tails were; an unusable one (not the JSON a writer leaves) is reported, not thrown:
 * the log itself may be fine, and the next append writes the tail again.
 */
export function readWrittenTail(logPath: string): TailReading {
  const path = toTailPath(logPath);
  if (!existsSync(path)) return {};
  try {
    const tail = JSON.parse(readFileSync(path, 'utf8')) as Partial<WrittenTail>;
    if (typeof tail.seq === 'number' && typeof tail.hash === 'string') {
      return { tail: { seq: tail.seq, hash: tail.hash } };
    }
  } catch {
    // Reported below.
  }
  return { unreadable: `${path} is not an audit tail ({"seq":N,"hash":"..."}); it is ignored` };
}

/** Bytes read at a time when a whole log is checked. */
const VERIFY_CHUNK_BYTES = 16 * 1024 * 1024;

/** What checking a whole log file found, with what an appender needs to continue it. */
export type LogFileVerification = ChainVerification & {
  readonly bytes: number;
  readonly endsWithNewline: boolean;
};

/** Where to start checking a log file, and how much to read at a time. */
export interface VerifyLogFileOptions {
  /** Byte offset of the first line to check (default 0), the record before it as `after`. */
  readonly fromByte?: number;
  readonly after?: WrittenTail;
  readonly chunkBytes?: number;
}

/**
 * Checks a log file as {@link verifyChainLines} checks lines, reading it in pieces so that a
 * log of any size can be checked (one string holds at most about 512 MB). From `fromByte`,
 * it checks only what follows a part already checked (line numbers then count from there).
 */
export function verifyLogFile(
  path: string,
  tail: WrittenTail | undefined,
  options: VerifyLogFileOptions = {},
): LogFileVerification {
  const fd = openSync(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(options.chunkBytes ?? VERIFY_CHUNK_BYTES);
    let after: WrittenTail = options.after ?? { seq: 0, hash: GENESIS_HASH };
    let carry = '';
    let linesBefore = 0;
    let bytes = options.fromByte ?? 0;
    let lastByte = '\n';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, bytes);
      const done = n === 0;
      bytes += n;
      if (n > 0) lastByte = String.fromCharCode(buffer[n - 1] as number);
      const text = carry + (done ? decoder.end() : decoder.write(buffer.subarray(0, n)));
      const lines = text.split('\n');
      carry = done ? '' : (lines.pop() as string);
      const result = verifyChainLines(lines, tail, after, done);
      if (!result.ok) {
        return { ...result, badLine: result.badLine + linesBefore, bytes, endsWithNewline: true };
      }
      if (done) return { ...result, bytes, endsWithNewline: bytes === 0 || lastByte === '\n' };
      after = { seq: result.records, hash: result.lastHash };
      linesBefore += lines.length;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Append-only JSON Lines audit log, each record chained to the one before by SHA-256, with the
 * last record's number and hash written beside it (`<file>.tail`, replaced atomically) after
 * each append, so that records cut from the end show. Processes on one machine append one at a
 * time (`<file>.lock`), each continuing the chain the others wrote. An existing file is verified
 * (against its tail) and continued; a broken one is refused, never extended.
 */
export class FileAuditLog implements AuditSink {
  private seq = 0;
  private prevHash = GENESIS_HASH;
  /** The file's size after this instance's last read or append. */
  private bytes = 0;
  /** False when the file's last line lacks its newline (cut short, or edited by hand). */
  private endsWithNewline = true;
  private readonly records: AuditRecord[] = [];

  constructor(private readonly options: FileAuditLogOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    if (!existsSync(options.path)) return;
    // Under the lock: another process's append in progress is not a broken last line.
    const release = lockFile(`${options.path}.lock`, options.path);
    try {
      this.resume();
    } finally {
      release();
    }
  }

  /** Reads and checks the whole file (the tail first: it is written after the log). */
  private resume(): void {
    const { tail } = readWrittenTail(this.options.path);
    const result = verifyLogFile(this.options.path, tail);
    if (!result.ok)
      throw new AuditChainBrokenError(this.options.path, result.badLine, result.reason);
    this.seq = result.records;
    this.prevHash = result.lastHash;
    this.bytes = result.bytes;
    this.endsWithNewline = result.endsWithNewline;
  }

  /** Reads and checks only what other processes appended since this one last looked. */
  private catchUp(): void {
    const size = statSync(this.options.path, { throwIfNoEntry: false })?.size ?? 0;
    if (size === this.bytes) return;
    if (size < this.bytes) return this.resume(); // shorter: resume names the damage
    const after = { seq: this.seq, hash: this.prevHash };
    const result = verifyLogFile(this.options.path, undefined, { fromByte: this.bytes, after });
    if (!result.ok) return this.resume(); // resume names the line
    this.seq = result.records;
    this.prevHash = result.lastHash;
    this.bytes = result.bytes;
    this.endsWithNewline = result.endsWithNewline;
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    return this.appendSync(entry);
  }

  /** Appends at once, holding the file's lock; synchronous, so records never interleave. */
  appendSync(entry: AuditEntry): AuditRecord {
    const release = lockFile(`${this.options.path}.lock`, this.options.path);
    try {
      this.catchUp();
      const time = new Date(this.options.clock.now()).toISOString();
      const link = {
        seq: this.seq + 1,
        prevHash: this.prevHash,
        time,
        simulated: this.options.simulated,
      };
      const { record, line } = sealRecord(entry, link);
      // A last line without its newline would be glued to this record.
      const text = `${this.endsWithNewline ? '' : '\n'}${line}\n`;
      appendFileSync(this.options.path, text, 'utf8');
      this.bytes += Buffer.byteLength(text);
      this.endsWithNewline = true;
      this.writeTail({ seq: record.seq, hash: record.hash });
      this.seq = record.seq;
      this.prevHash = record.hash;
      this.records.push(record);
      return record;
    } finally {
      release();
    }
  }

  /** Replaces the tail file in one rename, so no reader or crash sees it half written. */
  private writeTail(tail: WrittenTail): void {
    const path = toTailPath(this.options.path);
    const next = `${path}.${process.pid}.tmp`;
    writeFileSync(next, `${JSON.stringify(tail)}\n`, 'utf8');
    renameSync(next, path);
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
