import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisAuditLog } from '../../src/audit/index.js';
import type { AuditRecord } from '../../src/audit/index.js';
import type { RunState } from '../../src/engine/index.js';
import { createRedisConnection } from '../../src/queue/index.js';
import { createSystemClock } from '../../src/shared/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { TEN_STEPS_YAML } from '../queue/fixtures/runbooks.js';
import { sendEachTwice } from '../queue/send-again.js';

/** A note by `who` carrying `n`. */
const entry = (who: string, n: number) => ({ type: 'note' as const, actor: who, data: { n } });

/** The `n` of each note in the chain, by the actor that wrote it, in chain order. */
async function notesByActor(log: RedisAuditLog): Promise<Map<string, number[]>> {
  const order = new Map<string, number[]>();
  for await (const line of log.lines()) {
    const record = JSON.parse(line) as AuditRecord;
    const who = record.actor ?? '';
    order.set(who, [...(order.get(who) ?? []), (record.data as { n: number }).n]);
  }
  return order;
}

describe('RedisAuditLog', () => {
  let redisA: Redis;
  let redisB: Redis;
  let prefix: string;
  /** The log as two processes see it, each on its own connection. */
  const twoLogs = () => {
    const clock = createSystemClock();
    return {
      a: new RedisAuditLog({ redis: redisA, prefix, clock, simulated: true }),
      b: new RedisAuditLog({ redis: redisB, prefix, clock, simulated: true }),
    };
  };

  beforeEach(() => {
    redisA = createRedisConnection(inject('redisUrl'));
    redisB = createRedisConnection(inject('redisUrl'));
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await deletePrefix(redisA, prefix);
    redisA.disconnect();
    redisB.disconnect();
  });

  describe('when two processes append at once', () => {
    it('keeps one unbroken chain holding every record', async () => {
      const { a, b } = twoLogs();

      // a's view of the tail is old once b has appended: a's next write must reseal, whatever
      // the timing of the flood below.
      await a.append(entry('a', -1));
      await b.append(entry('b', -1));
      await Promise.all([
        ...Array.from({ length: 150 }, (_, n) => a.append(entry('a', n))),
        ...Array.from({ length: 150 }, (_, n) => b.append(entry('b', n))),
      ]);

      expect(await a.verify()).toMatchObject({ ok: true, records: 302 });
      expect(a.retries + b.retries).toBeGreaterThan(0);
      // Rounds overlap on the wire and resealed writes go out again: each process's records
      // still land in the order it wrote them.
      const order = await notesByActor(a);
      const written = [-1, ...Array.from({ length: 150 }, (_, n) => n)];
      expect(order.get('a')).toEqual(written);
      expect(order.get('b')).toEqual(written);
    });
  });

  describe('when the client sends an append again after a dropped connection', () => {
    it('answers it as written and keeps its records once, whatever landed in between', async () => {
      const { a, b } = twoLogs();
      await a.append(entry('a', 0));
      // The first run's reply is lost; another process appends; then the script runs again.
      const undo = sendEachTwice(redisA, 'firebreakAuditAppend', () => b.append(entry('b', 0)));

      const written = await a.appendMany([entry('a', 1), entry('a', 2)]);
      undo();

      expect(written.map((r) => r.seq)).toEqual([2, 3]);
      expect(await a.verify()).toMatchObject({ ok: true, records: 4 });
      const notes: string[] = [];
      for await (const line of a.lines()) {
        const record = JSON.parse(line) as AuditRecord;
        notes.push(`${record.actor}${(record.data as { n: number }).n}`);
      }
      expect(notes).toEqual(['a0', 'a1', 'a2', 'b0']);
    });
  });

  describe('when Redis forgets the scripts in the middle of a flood', () => {
    it("still lands each process's records once and in the order it wrote them", async () => {
      const count = 2000;
      const { a, b } = twoLogs();
      await a.append(entry('a', -1));
      await b.append(entry('b', -1));

      // SCRIPT FLUSH (or a failover to a replica without them): a script call then fails with
      // NOSCRIPT and is sent again behind the calls that followed it.
      const admin = createRedisConnection(inject('redisUrl'));
      const flushes = setInterval(() => void admin.script('FLUSH'), 1);
      const writes: Promise<unknown>[] = [];
      const flood = async (log: RedisAuditLog, who: string) => {
        for (let n = 0; n < count; n++) {
          writes.push(log.append(entry(who, n)));
          if (n % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.all([flood(a, 'a'), flood(b, 'b')]);
      await Promise.all(writes);
      clearInterval(flushes);
      admin.disconnect();

      expect(await a.verify()).toMatchObject({ ok: true, records: 2 + 2 * count });
      const order = await notesByActor(a);
      const written = [-1, ...Array.from({ length: count }, (_, n) => n)];
      expect(order.get('a')).toEqual(written);
      expect(order.get('b')).toEqual(written);
    });
  });

  describe('when a record in Redis is edited', () => {
    it('names the first record that no longer verifies', async () => {
      const log = new RedisAuditLog({
        redis: redisA,
        prefix,
        clock: createSystemClock(),
        simulated: true,
      });
      await log.appendMany([1, 2, 3].map((n) => ({ type: 'note' as const, data: { n } })));
      const [, second] = await redisA.xrange(log.streamKey, '-', '+');
      const [id, fields] = second ?? ['', []];
      await redisA.xdel(log.streamKey, id);
      await redisA.xadd(log.streamKey, '*', 'r', (fields[1] ?? '').replace('"n":2', '"n":20'));

      const result = await log.verify();

      expect(result).toMatchObject({ ok: false, badLine: 2 });
    });
  });

  describe('when records are cut from the end or junk is added', () => {
    async function threeRecords() {
      const log = new RedisAuditLog({
        redis: redisA,
        prefix,
        clock: createSystemClock(),
        simulated: true,
      });
      await log.appendMany([1, 2, 3].map((n) => ({ type: 'note' as const, data: { n } })));
      return log;
    }

    it('notices the last records removed, against the chain tail', async () => {
      const log = await threeRecords();
      const entries = await redisA.xrange(log.streamKey, '-', '+');
      await redisA.xdel(log.streamKey, entries.at(-1)?.[0] ?? '');

      expect(await log.verify()).toMatchObject({ ok: false, records: 2, badLine: 3 });
    });

    it('notices a stream entry that is not a sealed record', async () => {
      const log = await threeRecords();
      await redisA.xadd(log.streamKey, '*', 'r', '');

      expect(await log.verify()).toMatchObject({ ok: false, badLine: 4 });
    });
  });
});

describe('RedisRunStore', () => {
  let stack: TestStack;
  let prefix: string;
  const startTenSteps = () =>
    stack.driver.startRun({
      runbookId: 'ten-steps',
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' },
    });

  beforeEach(async () => {
    prefix = uniquePrefix();
    stack = await createTestStack({
      redisUrl: inject('redisUrl'),
      prefix,
      runbooks: [TEN_STEPS_YAML],
    });
  });

  afterEach(async () => {
    await deletePrefix(stack.redis, prefix);
    await stack.close();
  });

  describe('when a stale worker commits', () => {
    it('refuses the write and appends none of its audit records', async () => {
      const started = await startTenSteps();
      const before = await stack.audit.verify();
      const stale: RunState = { ...started, status: 'failed', version: started.version + 1 };

      const outcome = await stack.driver.store.commit(started.version - 1, stale, [
        { type: 'note', runId: started.runId },
      ]);

      expect(outcome).toBe('conflict');
      expect((await stack.driver.getRun(started.runId))?.status).toBe('running');
      expect(await stack.audit.verify()).toEqual(before);
    });

    it('answers a commit the client sent again after a dropped connection as committed', async () => {
      const started = await startTenSteps();
      const before = await stack.audit.verify();
      // The commit's first reply is lost and the script runs a second time.
      const undo = sendEachTwice(stack.redis, 'firebreakCommitRun');
      const next: RunState = { ...started, status: 'failed', version: started.version + 1 };

      const outcome = await stack.driver.store.commit(started.version, next, [
        { type: 'note', runId: started.runId, data: { text: 'once' } },
      ]);
      undo();

      expect(outcome).toBe('committed');
      expect((await stack.driver.getRun(started.runId))?.version).toBe(started.version + 1);
      expect(await stack.audit.verify()).toMatchObject({ ok: true, records: before.records + 1 });
    });

    it('answers it as committed when another process moved the run on before it came again', async () => {
      const started = await startTenSteps();
      // `firebreak abort` in another process, on a connection of its own.
      const other = await createTestStack({
        redisUrl: inject('redisUrl'),
        prefix,
        runbooks: [TEN_STEPS_YAML],
        role: 'client',
      });
      const undo = sendEachTwice(stack.redis, 'firebreakCommitRun', () =>
        other.driver.abort(started.runId, 'U2', 'wrong host'),
      );
      const next: RunState = { ...started, version: started.version + 1 };

      const outcome = await stack.driver.store.commit(started.version, next, [
        { type: 'note', runId: started.runId, data: { text: 'once' } },
      ]);
      undo();
      await other.close();

      expect(outcome).toBe('committed');
      expect((await stack.driver.getRun(started.runId))?.status).toBe('aborted');
      const notes: string[] = [];
      for await (const line of stack.audit.lines()) {
        const record = JSON.parse(line) as AuditRecord;
        if (record.type === 'note') notes.push((record.data as { text: string }).text);
      }
      expect(notes).toEqual(['once']);
      expect(await stack.audit.verify()).toMatchObject({ ok: true });
    });

    it('keeps the chain whole when refused commits sit among appends in flight', async () => {
      const started = await startTenSteps();
      const before = await stack.audit.verify();
      const stale: RunState = { ...started, status: 'failed', version: started.version + 1 };
      const other = createRedisConnection(inject('redisUrl'));
      const clock = createSystemClock();
      const elsewhere = new RedisAuditLog({ redis: other, prefix, clock, simulated: true });
      const note = (n: number) => ({ type: 'note' as const, runId: started.runId, data: { n } });

      // Refused commits (their lines were sealed but never written) between appends of this
      // process, while another process appends too: the rounds after each refusal reseal.
      const [outcomes] = await Promise.all([
        Promise.all(
          Array.from({ length: 40 }, (_, n) =>
            n % 4 === 0
              ? stack.driver.store.commit(started.version - 1, stale, [note(-1)])
              : stack.audit.append(note(n)).then(() => 'appended'),
          ),
        ),
        Promise.all(Array.from({ length: 40 }, (_, n) => elsewhere.append(note(100 + n)))),
      ]);
      other.disconnect();

      expect(outcomes.filter((outcome) => outcome === 'conflict')).toHaveLength(10);
      expect(outcomes.filter((outcome) => outcome === 'appended')).toHaveLength(30);
      const after = await stack.audit.verify();
      expect(after).toMatchObject({ ok: true, records: before.records + 70 });
      const values: number[] = [];
      for await (const line of stack.audit.lines()) {
        const record = JSON.parse(line) as AuditRecord;
        if (record.type === 'note') values.push((record.data as { n: number }).n);
      }
      expect(values).not.toContain(-1);
    });
  });
});
