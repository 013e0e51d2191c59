import { hash } from 'node:crypto';
import type { AuditEntry, AuditRecord } from './audit-entry.js';

/** The `prevHash` of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Hashes the exact JSON text of a record without its hash. */
export function hashRecordText(unhashedJson: string): string {
  return hash('sha256', unhashedJson, 'hex');
}

/**
 * Builds the next record of a chain and the JSON line to store. Field order is fixed here,
 * and the hash covers the exact text written, so that verification can recompute it.
 */
export function sealRecord(
  entry: AuditEntry,
  link: { seq: number; prevHash: string; time: string; simulated: boolean },
): { record: AuditRecord; line: string } {
  const unhashed = {
    seq: link.seq,
    time: link.time,
    type: entry.type,
    runId: entry.runId,
    stepId: entry.stepId,
    actor: entry.actor,
    simulated: link.simulated,
    data: entry.data,
    prevHash: link.prevHash,
  };
  const unhashedJson = JSON.stringify(unhashed);
  const recordHash = hashRecordText(unhashedJson);
  const record = { ...unhashed, hash: recordHash } as AuditRecord;
  return { record, line: `${unhashedJson.slice(0, -1)},"hash":"${recordHash}"}` };
}
