import { GENESIS_HASH, hashRecordText } from './hash-chain.js';

/** The outcome of checking a chain of JSON lines. */
export type ChainVerification =
  | { ok: true; records: number; lastHash: string }
  | { ok: false; records: number; badLine: number; reason: string };

/**
 * Checks every line of an audit log: parseable, numbered in order, linked to the record before
 * and hashed over its own text. Names the first bad line (1-based).
 */
export function verifyChainLines(lines: readonly string[]): ChainVerification {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
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
    prevHash = match[2] as string;
    expectedSeq++;
    count++;
  }
  return { ok: true, records: count, lastHash: prevHash };
}
