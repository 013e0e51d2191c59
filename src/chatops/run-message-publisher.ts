import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { webApi } from '@slack/bolt';
import type { RunDriver, RunState, StepState } from '../engine/index.js';
import { isFinished } from '../engine/index.js';
import { describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import { NOOP_CHATOPS_METRICS } from './chatops-metrics.js';
import type { ChatOpsMetrics } from './chatops-metrics.js';
import type { KeyValueStore } from './key-value-store.js';
import { toApprovalMessage } from './views/approval-message.js';
import { toRunMessage } from './views/run-message.js';
import { toStepReply, toSummaryReply } from './views/thread-replies.js';

/** Default least time between two `chat.update` calls for one run: one second. */
export const DEFAULT_MIN_UPDATE_INTERVAL_MS = 1000;
/** How long a run's channel and message ids are kept in the store: seven days. */
export const RUN_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000;
/** Thread replies sent together are cut at this length (Slack's text limit is 40,000). */
const MAX_MERGED_REPLY_CHARS = 3500;
/** Tries of a call that fails for a reason other than a rate limit. */
const MAX_ATTEMPTS = 3;
/** Default time a server's claim on posting a run lasts unless renewed: 30 seconds. */
export const DEFAULT_PUBLISH_LEASE_MS = 30_000;
/** What the lease of a run holds once its owner has posted everything about it. */
const LEASE_DONE = 'done';
/** Wait before a run's messages are tried again after the store could not be reached. */
const STORE_RETRY_MS = 5000;

/** The part of the Slack Web API the publisher calls. */
export interface SlackChatClient {
  chat: Pick<webApi.WebClient['chat'], 'postMessage' | 'update'>;
}

/** Options for {@link RunMessagePublisher}. */
export interface RunMessagePublisherOptions {
  readonly client: SlackChatClient;
  /** Where each run's channel and message timestamps live. */
  readonly store: KeyValueStore;
  /** Schedules coalesced updates and Retry-After waits. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Channel id for runs not started from Slack; without it those runs are not posted. */
  readonly defaultChannel?: string;
  /** Least time between two updates of one run's message, in milliseconds. Default 1000. */
  readonly minUpdateIntervalMs?: number;
  readonly metrics?: ChatOpsMetrics;
  /**
   * Names this server in the store's lease on each run it posts (one server posts a run's
   * message, thread and approvals; the others post only their trigger notes). Default
   * `<hostname>:<pid>:<random>`.
   */
  readonly publisherId?: string;
  /**
   * How long a lease lasts unless renewed, in ms: a server that stopped is replaced, for the
   * runs it posted, this long after its last renewal. Default {@link DEFAULT_PUBLISH_LEASE_MS}.
   */
  readonly leaseMs?: number;
}

type OutboxItem =
  /**
   * `catchUp`: a step reply made without the state before it, possibly posted already.
   * `note`: a note from outside the run (a repeated alarm); unsent notes with one key merge.
   */
  | {
      readonly kind: 'reply';
      readonly text: string;
      readonly catchUp?: boolean;
      /** What it reports once posted: a step id, or `#summary`; remembered in the store. */
      readonly replyKey?: string;
      readonly note?: { readonly key: string; readonly more: number };
    }
  /** `updateOnly`: the decision on an approval that may have been posted; never posted anew. */
  | { readonly kind: 'approval'; readonly stepId: string; readonly updateOnly?: boolean };

interface RunRecord {
  readonly runId: string;
  /** undefined: not looked up yet; null: this run is not posted anywhere. */
  channel?: string | null;
  messageTs?: string;
  readonly approvalTs: Map<string, string>;
  latest: RunState;
  sentVersion: number;
  lastUpdateAtMs: number;
  readonly outbox: OutboxItem[];
  attempts: number;
  blockedUntilMs: number;
  timer?: { atMs: number; cancel: () => void };
  flushing?: Promise<void>;
  dirty: boolean;
  /**
   * Made from a state without the one before it (another process posted the run's message):
   * its step replies are guesses until the message is looked up.
   */
  catchingUp: boolean;
  /** How many replies at the head of the outbox are in a call now (not to be changed). */
  sending: number;
  /** Reply keys of the step replies and summary posted in the thread (by any process). */
  replied: Set<string>;
  /**
   * Who posts the run: this server (`ours`), another one (`theirs`: only notes are sent from
   * here), or nobody any more (`done`: its owner posted everything). Unknown until asked.
   */
  lease?: 'ours' | 'theirs' | 'done';
  /** When the lease was last claimed or renewed by this server. */
  leaseCheckedAtMs: number;
  /** Made for a note only: what the run posted before is not known here. */
  noteOnly: boolean;
  /**
   * Store writes that failed after their Slack call succeeded (key to value): written before
   * anything else is sent, and the run is not let go until they are, so that a server taking
   * it over never posts again what this one posted.
   */
  readonly unsaved: Map<string, string>;
  /** Everything is posted and the lease is marked `done` (or queued to be). */
  doneMarked: boolean;
}

/** Finished runs a publisher remembers, so that seeing one again posts nothing. */
const MAX_FINISHED_REMEMBERED = 1000;

/** Keys under which a run's Slack location is stored. */
export const toChannelKey = (runId: string) => `run:${runId}:channel`;
const toMessageKey = (runId: string) => `run:${runId}:message`;
const toRepliedKey = (runId: string) => `run:${runId}:replied`;
const toApprovalKey = (runId: string, stepId: string) => `run:${runId}:approval:${stepId}`;
const toSentKey = (runId: string) => `run:${runId}:sent`;
const toLeaseKey = (runId: string) => `run:${runId}:publisher`;
const SUMMARY_REPLY_KEY = '#summary';

/**
 * Keeps one Slack message per run in step with the run: posts it on the first change, then
 * updates it in place through `chat.update`, coalescing bursts (at most one update per
 * `minUpdateIntervalMs`, always ending on the latest state). Step details, approval messages
 * and the final summary go to the message's thread. A 429 holds every call for the run until
 * its `Retry-After` has passed, then carries on where it stopped: nothing is dropped.
 * @see https://docs.slack.dev/apis/web-api/rate-limits
 */
export class RunMessagePublisher {
  readonly publisherId: string;
  private readonly leaseMs: number;
  private leaseSweep: (() => void) | undefined;
  private readonly records = new Map<string, RunRecord>();
  /** Runs whose final state was sent, with its version (bounded; insertion order is age). */
  private readonly finished = new Map<string, number>();
  private readonly minUpdateIntervalMs: number;
  private readonly metrics: ChatOpsMetrics;

  constructor(private readonly options: RunMessagePublisherOptions) {
    this.minUpdateIntervalMs = options.minUpdateIntervalMs ?? DEFAULT_MIN_UPDATE_INTERVAL_MS;
    this.metrics = options.metrics ?? NOOP_CHATOPS_METRICS;
    this.publisherId =
      options.publisherId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_PUBLISH_LEASE_MS;
  }

  /** Follows every run of `driver`; returns the function that stops it. */
  attach(driver: Pick<RunDriver, 'onChange'>): () => void {
    return driver.onChange((state) => this.notify(state));
  }

  /** Records the channel a run belongs to; call before the run starts. */
  async setChannel(runId: string, channelId: string): Promise<void> {
    await this.options.store.set(toChannelKey(runId), channelId, RUN_MESSAGE_TTL_MS);
  }

  /** Takes a new state of a run. Cheap and synchronous: the Slack calls happen later. */
  notify(state: RunState): void {
    const record = this.records.get(state.runId);
    if (!record) {
      if (state.version <= (this.finished.get(state.runId) ?? -1)) return;
      const fresh = this.createRecord(state);
      this.queueChanges(fresh, undefined, state);
      this.kick(fresh);
      return;
    }
    if (state.version <= record.latest.version) return;
    // Another server posts this run: keep the state, should this server have to take over.
    if (record.lease !== 'theirs' && record.lease !== 'done') {
      this.queueChanges(record, record.latest, state);
    }
    record.latest = state;
    this.kick(record);
  }

  /**
   * Posts `text` in the run's thread, in order with its other calls and through its 429 waits:
   * a message about the run from outside it (an alarm back to OK, another alarm for the same
   * incident). Unsent notes with the same `key` are taken out and counted in the new one,
   * which goes last, so an alarm storm gives one line and the newest state is read last.
   */
  note(state: RunState, key: string, text: string): void {
    let record = this.records.get(state.runId);
    if (!record) {
      record = this.createRecord(state);
      // Its message, if posted, is some process's: only the note is new here.
      record.sentVersion = state.version;
      record.noteOnly = true;
    }
    let earlier = 0;
    const kept = record.outbox.filter((item, at) => {
      const merged = at >= record.sending && item.kind === 'reply' && item.note?.key === key;
      if (merged) earlier += (item.note?.more ?? 0) + 1;
      return !merged;
    });
    record.outbox.splice(0, record.outbox.length, ...kept);
    const line = earlier > 0 ? `${text} (and ${earlier} earlier like it)` : text;
    record.outbox.push({ kind: 'reply', text: line, note: { key, more: earlier } });
    this.kick(record);
  }

  /** Resolves once no run has a call in flight (calls waiting on a timer do not count). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.records.values()].flatMap((r) => (r.flushing ? [r.flushing] : []));
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  /**
   * Resolves once no run has a call in flight or an update waiting on a timer, checking every
   * `pollMs` on the wall clock (with a virtual clock, advance it first).
   */
  async settled(pollMs = 5): Promise<void> {
    for (;;) {
      await this.idle();
      const waiting = [...this.records.values()].some((r) => r.timer || r.flushing);
      if (!waiting) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Cancels pending timers (on shutdown) and gives up this server's leases, so that another
   * server (or this one restarted) takes its runs over at once. Queued updates are not sent.
   */
  async close(): Promise<void> {
    this.leaseSweep?.();
    this.leaseSweep = undefined;
    const owned = [...this.records.values()].filter((record) => record.lease === 'ours');
    for (const record of this.records.values()) record.timer?.cancel();
    const { store } = this.options;
    const letGo = async (record: RunRecord) => {
      // What was posted but not stored is stored first; failing that, the lease is kept to
      // lapse, so that the run is not handed over while the store lacks what was posted.
      await this.writeUnsaved(record);
      await store.release(toLeaseKey(record.runId), this.publisherId);
    };
    await Promise.all(
      owned.map((record) =>
        letGo(record).catch(() => {
          // Not released: it lapses after leaseMs instead.
        }),
      ),
    );
  }

  private createRecord(state: RunState): RunRecord {
    const record: RunRecord = {
      runId: state.runId,
      approvalTs: new Map(),
      latest: state,
      sentVersion: 0,
      lastUpdateAtMs: Number.NEGATIVE_INFINITY,
      outbox: [],
      attempts: 0,
      blockedUntilMs: 0,
      dirty: false,
      catchingUp: true,
      sending: 0,
      replied: new Set(),
      leaseCheckedAtMs: Number.NEGATIVE_INFINITY,
      noteOnly: false,
      unsaved: new Map(),
      doneMarked: false,
    };
    this.records.set(state.runId, record);
    return record;
  }

  /** Turns the difference between two states into thread replies and approval messages. */
  private queueChanges(record: RunRecord, before: RunState | undefined, after: RunState): void {
    for (const step of after.steps) {
      const old = before?.steps.find((s) => s.id === step.id);
      if (this.approvalChanged(old, step)) this.queueApproval(record, step.id);
      // Catching up: an approval decided meanwhile loses its buttons, if it was posted at all.
      else if (before === undefined && step.approval && step.status !== 'awaiting_approval') {
        record.outbox.push({ kind: 'approval', stepId: step.id, updateOnly: true });
      }
      if (isStepDone(step) && !(old && isStepDone(old))) {
        const reply = { kind: 'reply' as const, text: toStepReply(step), replyKey: step.id };
        record.outbox.push(before === undefined ? { ...reply, catchUp: true } : reply);
      }
    }
    if (isFinished(after) && !(before && isFinished(before))) {
      const summary = { kind: 'reply' as const, text: toSummaryReply(after) };
      const replyKey = SUMMARY_REPLY_KEY;
      record.outbox.push({ ...summary, replyKey, ...(before === undefined && { catchUp: true }) });
    }
  }

  private approvalChanged(old: StepState | undefined, step: StepState): boolean {
    if (!step.approval) return false;
    const wasWaiting = old?.status === 'awaiting_approval';
    if (step.status === 'awaiting_approval') {
      return !wasWaiting || old?.approval?.decisions.length !== step.approval.decisions.length;
    }
    return wasWaiting;
  }

  private queueApproval(record: RunRecord, stepId: string): void {
    // One queued item per approval is enough: it is rendered from the latest state when sent.
    const queued = record.outbox.some((i) => i.kind === 'approval' && i.stepId === stepId);
    if (!queued) record.outbox.push({ kind: 'approval', stepId });
  }

  private kick(record: RunRecord): void {
    if (record.flushing) {
      record.dirty = true;
      return;
    }
    record.flushing = this.flush(record)
      .catch((error: unknown) => {
        // The store (Redis) failed, not Slack: keep everything and try again in a moment.
        this.options.logger.warn('cannot reach the store for a run’s Slack messages; will retry', {
          runId: record.runId,
          error: describeError(error),
        });
        this.schedule(record, this.options.clock.now() + STORE_RETRY_MS);
      })
      .finally(() => {
        record.flushing = undefined;
        if (record.dirty) this.kick(record);
        else this.forgetIfDone(record);
      });
  }

  private schedule(record: RunRecord, atMs: number): void {
    if (record.timer && record.timer.atMs <= atMs) return;
    record.timer?.cancel();
    const cancel = this.options.clock.setTimer(atMs, () => {
      record.timer = undefined;
      this.kick(record);
    });
    record.timer = { atMs, cancel };
  }

  private async flush(record: RunRecord): Promise<void> {
    for (;;) {
      record.dirty = false;
      const now = this.options.clock.now();
      if (record.blockedUntilMs > now) {
        // Held back by Slack, not stopped: keep the run, or another server takes it over.
        if (record.lease === 'ours') await this.holdLease(record, now);
        return this.schedule(record, record.blockedUntilMs);
      }
      if (record.unsaved.size > 0) await this.saveUnsaved(record, now);
      const next = await this.nextCall(record, now);
      if (next === 'idle') return;
      if (typeof next === 'number') return this.schedule(record, next);
      await this.attempt(record, next.method, next.call);
    }
  }

  /** The next Slack call for the run, the time to wait for, or idle. */
  private async nextCall(
    record: RunRecord,
    now: number,
  ): Promise<'idle' | number | { method: string; call: () => Promise<void> }> {
    const channel = await this.resolveChannel(record);
    if (channel === null) {
      record.outbox.length = 0;
      return 'idle';
    }
    const lease = await this.holdLease(record, now);
    if (lease === 'taken-over') return this.nextCall(record, now);
    if (lease !== 'ours') return this.nextNote(record, channel, now);
    if (record.messageTs === undefined) {
      return { method: 'chat.postMessage', call: () => this.postRunMessage(record, channel) };
    }
    const item = record.outbox[0];
    if (item)
      return { method: 'chat.postMessage', call: () => this.sendItem(record, channel, item) };
    if (record.latest.version <= record.sentVersion) return 'idle';
    const dueAtMs = record.lastUpdateAtMs + this.minUpdateIntervalMs;
    if (dueAtMs > now) return dueAtMs;
    return { method: 'chat.update', call: () => this.updateRunMessage(record, channel) };
  }

  /**
   * Whether this server posts the run: it claims the run's lease in the store the first time,
   * renews it while posting, and claims it again once another server's may have lapsed (that
   * server stopped). Taking a run over rebuilds its record as a restart would: the message,
   * replies and approvals already posted are looked up and not posted again.
   */
  private async holdLease(
    record: RunRecord,
    now: number,
  ): Promise<'ours' | 'theirs' | 'done' | 'taken-over'> {
    if (record.lease === 'done') return 'done';
    // A clock that went back makes the age negative: ask the store, as when it is old.
    const age = now - record.leaseCheckedAtMs;
    const fresh = age >= 0 && age < this.leaseMs / 3;
    if (record.lease === 'ours' && fresh) return 'ours';
    // Asked again every third of a lease: an owner that stopped cleanly let its lease go.
    if (record.lease === 'theirs' && fresh) return 'theirs';
    const { store } = this.options;
    const key = toLeaseKey(record.runId);
    let holder: string;
    if (record.lease === 'ours' && (await store.renew(key, this.publisherId, this.leaseMs))) {
      holder = this.publisherId;
    } else {
      holder = (await store.claim(key, this.publisherId, this.leaseMs)).value;
    }
    const before = record.lease;
    record.lease = holder === this.publisherId ? 'ours' : holder === LEASE_DONE ? 'done' : 'theirs';
    record.leaseCheckedAtMs = now;
    this.startLeaseSweep();
    if (
      record.lease === 'ours' &&
      (record.noteOnly || (before !== undefined && before !== 'ours'))
    ) {
      if (before === 'theirs') {
        this.options.logger.info('taking over the Slack thread of a run whose server stopped', {
          runId: record.runId,
        });
      }
      this.rebuild(record);
      return 'taken-over';
    }
    return record.lease;
  }

  /** Starts over from the latest state, keeping only the notes not yet sent. */
  private rebuild(record: RunRecord): void {
    const notes = record.outbox.filter(isNote);
    record.outbox.length = 0;
    this.queueChanges(record, undefined, record.latest);
    record.outbox.push(...notes);
    record.channel = undefined;
    record.messageTs = undefined;
    record.sentVersion = 0;
    record.approvalTs.clear();
    record.catchingUp = true;
    record.noteOnly = false;
  }

  /** Another server posts this run: send only the notes that came to this one. */
  private async nextNote(
    record: RunRecord,
    channel: string,
    now: number,
  ): Promise<'idle' | number | { method: string; call: () => Promise<void> }> {
    const notes = record.outbox.filter(isNote);
    record.outbox.splice(0, record.outbox.length, ...notes);
    const item = notes[0];
    if (item === undefined) return 'idle';
    record.messageTs ??= await this.options.store.get(toMessageKey(record.runId));
    // The run's message is not posted yet: look again in a moment.
    if (record.messageTs === undefined) return now + 1000;
    return { method: 'chat.postMessage', call: () => this.sendItem(record, channel, item) };
  }

  /**
   * Every third of a lease: renews the leases of the runs this server posts, and wakes the
   * runs another server posts whose lease may have lapsed. Runs only while there are runs.
   */
  private startLeaseSweep(): void {
    if (this.leaseSweep) return;
    const { clock } = this.options;
    const sweep = () => {
      this.leaseSweep = undefined;
      if (this.records.size === 0) return;
      const now = clock.now();
      for (const record of this.records.values()) {
        const age = now - record.leaseCheckedAtMs;
        const due = age < 0 || age >= this.leaseMs / 3;
        // Ours: renewed while the run goes on or anything of it is left to post or to store.
        const unsettled =
          !isFinished(record.latest) ||
          record.outbox.length > 0 ||
          record.unsaved.size > 0 ||
          record.latest.version > record.sentVersion;
        if (record.lease === 'ours' ? unsettled : due) this.kick(record);
      }
      this.leaseSweep = clock.setTimer(clock.now() + this.leaseMs / 3, sweep);
    };
    this.leaseSweep = clock.setTimer(clock.now() + this.leaseMs / 3, sweep);
  }

  private async resolveChannel(record: RunRecord): Promise<string | null> {
    if (record.channel !== undefined) return record.channel;
    const { store, defaultChannel } = this.options;
    record.channel = (await store.get(toChannelKey(record.runId))) ?? defaultChannel ?? null;
    const ts = await store.get(toMessageKey(record.runId));
    if (ts !== undefined) {
      record.messageTs = ts;
      const sent = Number(await store.get(toSentKey(record.runId)));
      if (Number.isInteger(sent)) record.sentVersion = Math.max(record.sentVersion, sent);
      const replied = await store.get(toRepliedKey(record.runId));
      for (const key of replied?.split(',') ?? []) if (key) record.replied.add(key);
      // The message exists: of the replies made without the state before them, only those
      // its thread lacks go out. A thread posted before replies were remembered keeps its
      // step replies as they are and gets the summary.
      if (record.catchingUp) {
        const missing = (item: OutboxItem) =>
          item.kind !== 'reply' ||
          !item.catchUp ||
          (replied === undefined
            ? item.replyKey === SUMMARY_REPLY_KEY
            : !record.replied.has(item.replyKey ?? ''));
        const kept = record.outbox.filter(missing);
        record.outbox.splice(0, record.outbox.length, ...kept);
      }
    }
    record.catchingUp = false;
    return record.channel;
  }

  private async postRunMessage(record: RunRecord, channel: string): Promise<void> {
    const state = record.latest;
    const message = toRunMessage(state, this.options.clock.now());
    const result = await this.options.client.chat.postMessage({ channel, ...message });
    record.messageTs = requireTs(result.ts);
    record.sentVersion = state.version;
    record.lastUpdateAtMs = this.options.clock.now();
    await this.save(record, toMessageKey(record.runId), record.messageTs);
    await this.rememberSent(record);
    // Its thread is empty: stored, so that a restart knows replies are remembered for this run.
    await this.save(record, toRepliedKey(record.runId), '');
  }

  /** Writes the failed writes again, while the run is still this server's to post. */
  private async saveUnsaved(record: RunRecord, now: number): Promise<void> {
    // Another server took the run over meanwhile: it read the store, and it writes it now.
    if ((await this.holdLease(record, now)) !== 'ours') {
      record.unsaved.clear();
      return;
    }
    await this.writeUnsaved(record);
  }

  /** Writes the failed writes, one by one; throws at the first that fails again. */
  private async writeUnsaved(record: RunRecord): Promise<void> {
    for (const [key, value] of record.unsaved) {
      await this.options.store.set(key, value, RUN_MESSAGE_TTL_MS);
      record.unsaved.delete(key);
    }
  }

  /**
   * Writes what a Slack call just did into the store. A failed write is kept and tried again
   * before the run's next call (see {@link RunRecord.unsaved}): the call is never repeated.
   */
  private async save(record: RunRecord, key: string, value: string): Promise<void> {
    record.unsaved.delete(key);
    try {
      await this.options.store.set(key, value, RUN_MESSAGE_TTL_MS);
    } catch (error) {
      record.unsaved.set(key, value);
      this.options.logger.warn('what was posted to Slack is not stored yet; will store it', {
        runId: record.runId,
        key,
        error: describeError(error),
      });
    }
  }

  private async updateRunMessage(record: RunRecord, channel: string): Promise<void> {
    const state = record.latest;
    const ts = requireTs(record.messageTs);
    await this.options.client.chat.update({
      channel,
      ts,
      ...toRunMessage(state, this.options.clock.now()),
    });
    record.sentVersion = state.version;
    record.lastUpdateAtMs = this.options.clock.now();
    await this.rememberSent(record);
  }

  /** Stores the version the message shows, so that a server taking over does not redo it. */
  private async rememberSent(record: RunRecord): Promise<void> {
    await this.save(record, toSentKey(record.runId), String(record.sentVersion));
  }

  private async sendItem(record: RunRecord, channel: string, item: OutboxItem): Promise<void> {
    const threadTs = requireTs(record.messageTs);
    if (item.kind === 'approval') {
      await this.sendApproval(record, channel, threadTs, item.stepId, item.updateOnly);
      record.outbox.shift();
      return;
    }
    const batch = takeReplies(record.outbox);
    record.sending = batch.count;
    try {
      await this.options.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: batch.text,
      });
      const posted = record.outbox.splice(0, batch.count);
      await this.rememberReplies(record, posted);
    } finally {
      record.sending = 0;
    }
  }

  /** Stores what the thread now has, so that a restarted server posts only what it lacks. */
  private async rememberReplies(record: RunRecord, posted: readonly OutboxItem[]): Promise<void> {
    const keys = posted.flatMap((item) => (item.kind === 'reply' && item.replyKey) || []);
    if (keys.length === 0) return;
    for (const key of keys) record.replied.add(key);
    await this.save(record, toRepliedKey(record.runId), [...record.replied].join(','));
  }

  private async sendApproval(
    record: RunRecord,
    channel: string,
    threadTs: string,
    stepId: string,
    updateOnly = false,
  ) {
    const step = record.latest.steps.find((s) => s.id === stepId);
    if (!step?.approval) return;
    const message = toApprovalMessage(record.latest, step);
    // Posted by this process, or by one before a restart: updated in place, never posted twice.
    const key = toApprovalKey(record.runId, stepId);
    const ts = record.approvalTs.get(stepId) ?? (await this.options.store.get(key));
    if (ts !== undefined) {
      record.approvalTs.set(stepId, ts);
      await this.options.client.chat.update({ channel, ts, ...message });
      return;
    }
    if (updateOnly) return;
    // Broadcast so the buttons show in the channel, not only in the thread.
    const result = await this.options.client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      reply_broadcast: true,
      ...message,
    });
    const posted = requireTs(result.ts);
    record.approvalTs.set(stepId, posted);
    await this.save(record, key, posted);
  }

  /** Runs one call; a 429 blocks the run until Retry-After, other failures retry then give up. */
  private async attempt(
    record: RunRecord,
    method: string,
    call: () => Promise<void>,
  ): Promise<void> {
    const log = this.options.logger;
    try {
      await call();
      record.attempts = 0;
      this.metrics.slackApiCall(method, 'ok');
    } catch (error) {
      const now = this.options.clock.now();
      if (isRateLimited(error)) {
        const waitMs = Math.max(1, error.retryAfter) * 1000;
        record.blockedUntilMs = now + waitMs;
        this.metrics.slackApiCall(method, 'rate_limited');
        log.warn('slack rate limit; holding this run’s messages', {
          runId: record.runId,
          method,
          waitMs,
        });
        return;
      }
      this.metrics.slackApiCall(method, 'error');
      record.attempts += 1;
      if (record.attempts < MAX_ATTEMPTS) {
        record.blockedUntilMs = now + 1000 * record.attempts;
        log.warn('slack call failed; will retry', {
          runId: record.runId,
          method,
          error: describeError(error),
        });
        return;
      }
      record.attempts = 0;
      this.giveUp(record, method, error);
    }
  }

  private giveUp(record: RunRecord, method: string, error: unknown): void {
    const fields = { runId: record.runId, method, error: describeError(error) };
    if (record.messageTs === undefined) {
      // The run message itself cannot be posted (channel gone, bot not invited): stop trying.
      this.options.logger.error(
        'cannot post the run message; not following this run in Slack',
        fields,
      );
      record.channel = null;
      return;
    }
    if (record.outbox.length > 0) {
      this.options.logger.error('slack call failed repeatedly; skipped it', fields);
      record.outbox.shift();
      return;
    }
    this.options.logger.error('slack update failed repeatedly; will send the next change', fields);
    record.sentVersion = record.latest.version;
  }

  private forgetIfDone(record: RunRecord): void {
    const posted =
      record.lease === 'done' ||
      (record.lease !== 'theirs' && record.latest.version <= record.sentVersion);
    const settled = record.outbox.length === 0 && record.unsaved.size === 0 && posted;
    const done = isFinished(record.latest) && settled && !record.timer;
    if (done && record.lease === 'ours' && !record.doneMarked) {
      // Everything is posted: mark it so, so that no other server looks at this run again.
      record.doneMarked = true;
      record.unsaved.set(toLeaseKey(record.runId), LEASE_DONE);
      this.kick(record);
      return;
    }
    if (done || record.channel === null) {
      this.records.delete(record.runId);
      if (record.channel === null) return;
      // A finished run seen again (a late click on its buttons) has nothing new to post.
      this.finished.set(record.runId, record.latest.version);
      const oldest = this.finished.keys().next().value;
      if (this.finished.size > MAX_FINISHED_REMEMBERED && oldest !== undefined) {
        this.finished.delete(oldest);
      }
    }
  }
}

function isNote(item: OutboxItem): boolean {
  return item.kind === 'reply' && item.note !== undefined;
}

function isStepDone(step: StepState): boolean {
  return ['succeeded', 'failed', 'skipped', 'denied'].includes(step.status);
}

function takeReplies(outbox: readonly OutboxItem[]): { text: string; count: number } {
  const texts: string[] = [];
  let length = 0;
  for (const item of outbox) {
    if (item.kind !== 'reply') break;
    if (texts.length > 0 && length + item.text.length > MAX_MERGED_REPLY_CHARS) break;
    texts.push(item.text);
    length += item.text.length + 1;
  }
  return { text: texts.join('\n'), count: texts.length };
}

function requireTs(ts: string | undefined): string {
  if (ts === undefined) throw new Error('Slack answered without a message ts');
  return ts;
}

function isRateLimited(error: unknown): error is webApi.WebAPIRateLimitedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === webApi.ErrorCode.RateLimitedError
  );
}
