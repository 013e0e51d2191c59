import { GENESIS_HASH, hashRecordText } from './hash-chain.js';

/** The outcome of checking a chain of JSON lines. */
export type ChainVerification =
  | { ok: true; records: number; lastHash: string }
  | { ok: false; records: number; badLine: number; reason: string };

/** A chain's last record as written down apart from the log: its number and hash. */
export interface WrittenTail {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Checks every line of an audit log: parseable, numbered in order, linked to the record before
 * and hashed over its own text. Names the first bad line (1-based). With `tail` (the last
 * record as written down elsewhere when it was appended), the log must still hold that record,
 * with that hash: a log cut short or rewritten from some record on no longer meets it. A tail
 * behind the log is fine (the process stopped between the two writes).
 */
export function verifyChainLines(
  lines: readonly string[],
  tail?: WrittenTail,
  /** Where `lines` start: after this record (default: the start of the chain). */
  after: WrittenTail = { seq: 0, hash: GENESIS_HASH },
  /** False for a piece of a longer log: the tail may name a record further on. */
  last = true,
): ChainVerification {
  let prevHash = after.hash;
  let expectedSeq = after.seq + 1;
  let count = after.seq;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const lineNo = index + 1;
    const bad = (reason: string): ChainVerification => ({
      ok: false,
      records: count,
      badLine: lineNo,
      reason,
    });
    const match = /^(\{.*),"hash":"([0-9a-f]{64})"\}$/.exec(line);
    if (!match) return bad('not a sealed audit record (no trailing hash)');
    const unhashedJson = `${match[1]}}`;
    let record: { seq?: unknown; prevHash?: unknown };
    try {
      record = JSON.parse(unhashedJson) as typeof record;
    } catch {
      return bad('not valid JSON');
    }
    if (record.seq !== expectedSeq) {
      return bad(
        `sequence number ${String(record.seq)} where ${expectedSeq} was expected (record removed or reordered)`,
      );
    }
    if (record.prevHash !== prevHash) return bad('prevHash does not match the record before');
    if (hashRecordText(unhashedJson) !== match[2])
      return bad('hash does not match the record (edited)');
    if (tail?.seq === expectedSeq && tail.hash !== match[2]) {
      return bad(
        `record ${expectedSeq} is not the one the tail file names (the log was rewritten from ` +
          `here on)`,
      );
    }
    prevHash = match[2] as string;
    expectedSeq++;
    count++;
  }
  if (last && tail !== undefined && tail.seq > count) {
    return {
      ok: false,
      records: count,
      // Where the first missing record would be: the line after the last one there is.
      badLine: lastFilledLine(lines) + 1,
      reason:
        `the log ends at record ${count} but its tail file says record ${tail.seq} was ` +
        `written (records removed from the end)`,
    };
  }
  return { ok: true, records: count, lastHash: prevHash };
}

/** The 1-based number of the last line with text (0 when there is none). */
function lastFilledLine(lines: readonly string[]): number {
  for (let index = lines.length - 1; index >= 0; index--) {
    if ((lines[index] as string).trim() !== '') return index + 1;
  }
  return 0;
}
