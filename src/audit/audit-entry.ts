/** What an audit record says happened. Stored and exported: the spelling is a contract. */
export type AuditEventType =
  | 'run.started'
  | 'run.finished'
  | 'run.abort_requested'
  | 'step.started'
  | 'step.redelivered'
  | 'step.finished'
  | 'step.failed'
  | 'step.skipped'
  | 'step.waiting'
  | 'approval.requested'
  | 'approval.decided'
  | 'approval.refused'
  | 'aws.call'
  | 'note'
  | 'trigger.received'
  | 'trigger.matched'
  | 'trigger.refused'
  | 'request.refused'
  | 'lock.waiting'
  | 'lock.acquired'
  | 'lock.released';

/** What a component asks the audit log to record. */
export interface AuditEntry {
  readonly type: AuditEventType;
  readonly runId?: string;
  readonly stepId?: string;
  /** Who: a Slack user id, a CLI user, `firebreak:deadline`, `sns`. */
  readonly actor?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** An entry as stored: numbered, timed, and chained to the record before it. */
export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  /** ISO time from the log's clock (virtual in exercises). */
  readonly time: string;
  /** True when the record describes the simulated account, not a real one. */
  readonly simulated: boolean;
  /** SHA-256 (hex) of the record before; 64 zeros for the first. */
  readonly prevHash: string;
  /** SHA-256 (hex) of this record's JSON without `hash`, as stored. */
  readonly hash: string;
}

/** Where audit entries go. Appends are ordered and chained by the implementation. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Appends entries as consecutive records in one write, where the log can. */
  appendMany?(entries: readonly AuditEntry[]): Promise<readonly AuditRecord[]>;
}

/** Appends `entries` in order: in one write when `sink` has `appendMany`, else one by one. */
export async function appendAll(
  sink: AuditSink,
  entries: readonly AuditEntry[],
): Promise<readonly AuditRecord[]> {
  if (sink.appendMany) return sink.appendMany(entries);
  const records: AuditRecord[] = [];
  for (const entry of entries) records.push(await sink.append(entry));
  return records;
}
