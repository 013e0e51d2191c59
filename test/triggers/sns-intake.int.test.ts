import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { MemoryAuditLog, appendAll } from '../../src/audit/index.js';
import type { AuditRecord } from '../../src/audit/index.js';
import type { RunRequest } from '../../src/engine/index.js';
import { RunbookCatalog } from '../../src/runbook/index.js';
import type { RunbookDocument } from '../../src/runbook/index.js';
import { VirtualClock, createSequentialIds } from '../../src/shared/index.js';
import {
  MemoryDedupeStore,
  RedisDedupeStore,
  createSnsDeliveryHandler,
  createSnsIntake,
  parseTriggerMessage,
} from '../../src/triggers/index.js';
import type {
  DedupeStore,
  SnsDeliveryResponse,
  SnsEnvelope,
  SnsIntakeOptions,
} from '../../src/triggers/index.js';
import { readCorpus } from './corpus.js';
import { TEST_TOPIC_ARN, createTestSigner, toAlarmMessage } from './signed-alarms.js';
import type { TestSigner } from './signed-alarms.js';
import {
  EXPECTED_ROUTES,
  cpuAlarmRunbook,
  parseTestRunbook,
  writeTestRunbooks,
} from './trigger-runbooks.js';

const ALARM_RUNBOOK = cpuAlarmRunbook();

let redis: Redis;
let signer: TestSigner;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  signer = createTestSigner();
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function createRedisStore(): RedisDedupeStore {
  const keyPrefix = `firebreak-test:triggers:${randomUUID()}:`;
  prefixes.push(keyPrefix);
  return new RedisDedupeStore({ redis, keyPrefix });
}

interface HarnessOptions {
  store?: DedupeStore;
  runbooks?: readonly RunbookDocument[];
  startRun?: (request: RunRequest) => Promise<unknown>;
  intake?: Partial<SnsIntakeOptions>;
}

function createHarness(options: HarnessOptions = {}) {
  const audit = new MemoryAuditLog({ now: () => Date.now(), setTimer: () => () => undefined });
  const started: RunRequest[] = [];
  const intake = createSnsIntake({
    runbooks: options.runbooks ?? [parseTestRunbook(ALARM_RUNBOOK)],
    store: options.store ?? createRedisStore(),
    audit,
    startRun:
      options.startRun ??
      (async (request) => {
        // As the drivers do: the trigger's records go with the run's first commit.
        await appendAll(audit, request.triggerAudit ?? []);
        started.push(request);
      }),
    createRunId: createSequentialIds('run'),
    ...options.intake,
  });
  const handle = createSnsDeliveryHandler({
    allowedTopicArns: [TEST_TOPIC_ARN],
    fetchCertificate: signer.fetchCertificate,
    confirmSubscription: async () => undefined,
    onNotification: async (envelope, event) => {
      await intake.onNotification(envelope, event);
    },
    onRefusal: () => undefined,
  });
  const deliver = (body: string) => handle({ body, headers: {} });
  const recordsOf = (type: AuditRecord['type']) => audit.records.filter((r) => r.type === type);
  return { audit, intake, started, deliver, recordsOf };
}

function alarmDelivery(change: Parameters<typeof toAlarmMessage>[0] = {}): string {
  return signer.sign(toAlarmMessage(change), randomUUID());
}

/** A deterministic shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed;
  for (let i = items.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

async function deliverAll(
  deliver: (body: string) => Promise<SnsDeliveryResponse>,
  bodies: readonly string[],
  concurrency: number,
): Promise<SnsDeliveryResponse[]> {
  const responses: SnsDeliveryResponse[] = [];
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) responses.push(await deliver(bodies[next++] as string));
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return responses;
}

describe('createSnsIntake with a Redis store', () => {
  it('starts one run for 10,000 deliveries of one alarm and notes the other messages', async () => {
    const harness = createHarness();
    const message = toAlarmMessage();
    const distinct = Array.from({ length: 200 }, () => signer.sign(message, randomUUID()));
    const deliveries = shuffle(
      Array.from({ length: 10_000 }, (_, i) => distinct[i % 200] as string),
      7,
    );

    const responses = await deliverAll(harness.deliver, deliveries, 64);

    expect(responses.filter((r) => r.status !== 200)).toEqual([]);
    expect(harness.started).toHaveLength(1);
    const runId = harness.started[0]?.runId;
    expect(harness.started[0]).toMatchObject({
      runbookId: 'cpu-alarm',
      requester: 'sns',
      inputs: { instanceId: 'i-0f672ea50a80cda4b' },
      trigger: { source: 'sns', incidentKey: 'alarm:257706363616:ap-northeast-2:EC2-CPU' },
    });
    expect(harness.recordsOf('trigger.received')).toHaveLength(10_000);
    expect(harness.recordsOf('trigger.matched')).toMatchObject([{ runId }]);
    const notes = harness.recordsOf('note');
    expect(notes).toHaveLength(199);
    expect(new Set(notes.map((n) => n.runId))).toEqual(new Set([runId]));
    expect(new Set(notes.map((n) => n.data?.['messageId'])).size).toBe(199);
    const refused = harness.recordsOf('trigger.refused');
    expect(refused).toHaveLength(9_800);
    expect(new Set(refused.map((r) => r.data?.['code']))).toEqual(
      new Set(['TRIGGER_DUPLICATE_MESSAGE']),
    );
  });

  it('posts an alarm back to OK to the run it started, starting nothing', async () => {
    const harness = createHarness();

    await harness.deliver(alarmDelivery());
    const response = await harness.deliver(alarmDelivery({ newState: 'OK', oldState: 'ALARM' }));

    expect(response.status).toBe(200);
    expect(harness.started).toHaveLength(1);
    expect(harness.recordsOf('note')).toMatchObject([
      {
        runId: harness.started[0]?.runId,
        actor: 'sns',
        data: { reason: 'alarm-state-change', summary: 'alarm EC2-CPU ALARM -> OK' },
      },
    ]);
  });

  it('coalesces a flapping alarm into one run with a note per change', async () => {
    const harness = createHarness();
    const states = ['ALARM', 'OK', 'ALARM', 'OK', 'ALARM', 'OK'] as const;

    for (const [index, state] of states.entries()) {
      const oldState = index === 0 ? 'INSUFFICIENT_DATA' : states[index - 1];
      await harness.deliver(alarmDelivery({ newState: state, oldState }));
    }

    expect(harness.started).toHaveLength(1);
    expect(harness.recordsOf('note').map((n) => n.data?.['reason'])).toEqual([
      'alarm-state-change',
      'same-incident',
      'alarm-state-change',
      'same-incident',
      'alarm-state-change',
    ]);
  });

  it('refuses an OK with no run behind it as unmatched', async () => {
    const harness = createHarness();

    await harness.deliver(alarmDelivery({ newState: 'OK', oldState: 'ALARM' }));

    expect(harness.started).toEqual([]);
    expect(harness.recordsOf('trigger.refused')).toMatchObject([
      { data: { code: 'TRIGGER_NO_MATCH' } },
    ]);
  });

  it('starts a run of its own for the same alarm in a different account', async () => {
    const harness = createHarness();

    await harness.deliver(alarmDelivery());
    await harness.deliver(alarmDelivery({ accountId: '111122223333' }));
    await harness.deliver(alarmDelivery({ accountId: '111122223333' }));

    expect(harness.started.map((r) => r.trigger.incidentKey)).toEqual([
      'alarm:257706363616:ap-northeast-2:EC2-CPU',
      'alarm:111122223333:ap-northeast-2:EC2-CPU',
    ]);
    expect(harness.recordsOf('note')).toHaveLength(1);
  });

  it('agrees across two servers sharing one Redis', async () => {
    const store = createRedisStore();
    const first = createHarness({ store });
    const second = createHarness({ store, intake: { createRunId: createSequentialIds('b') } });
    const body = alarmDelivery();

    await Promise.all([first.deliver(body), second.deliver(body)]);
    await Promise.all([first.deliver(alarmDelivery()), second.deliver(alarmDelivery())]);

    expect(first.started.length + second.started.length).toBe(1);
    expect(first.recordsOf('note').length + second.recordsOf('note').length).toBe(2);
  });

  it('answers 500 and gives the claims back when the run cannot be enqueued', async () => {
    let failures = 1;
    const started: RunRequest[] = [];
    const harness = createHarness({
      startRun: async (request) => {
        if (failures-- > 0) throw new Error('queue unavailable');
        started.push(request);
      },
    });
    const body = alarmDelivery();

    const first = await harness.deliver(body);
    const retry = await harness.deliver(body);

    expect(first).toMatchObject({ status: 500, outcome: 'record-failed' });
    expect(retry.status).toBe(200);
    expect(started).toHaveLength(1);
    expect(harness.recordsOf('trigger.refused')).toMatchObject([
      { data: { code: 'TRIGGER_START_FAILED', reason: 'queue unavailable' } },
    ]);
  });

  it('refuses a match whose inputs do not fit the runbook, and answers 200', async () => {
    const harness = createHarness();

    const response = await harness.deliver(
      signer.sign(toAlarmMessage().replace('i-0f672ea50a80cda4b', 'not-an-instance'), randomUUID()),
    );

    expect(response.status).toBe(200);
    expect(harness.started).toEqual([]);
    expect(harness.recordsOf('trigger.refused')).toMatchObject([
      { data: { code: 'TRIGGER_MAPPING_FAILED', runbook: 'cpu-alarm' } },
    ]);
  });

  it('keys incidents by the rule template and keeps them for the rule window', async () => {
    const runbook = parseTestRunbook(
      ALARM_RUNBOOK.replace(
        '    inputs:',
        '    incidentKey: "${{ trigger.dimensions.InstanceId }}"\n    dedupeWindow: 2h\n    inputs:',
      ),
    );
    const store = createRedisStore();
    const harness = createHarness({ store, runbooks: [runbook] });

    await harness.deliver(alarmDelivery());
    await harness.deliver(alarmDelivery({ alarmName: 'EC2-CPU-credit' }));

    expect(harness.started).toHaveLength(1);
    expect(harness.started[0]?.trigger.incidentKey).toBe('key:i-0f672ea50a80cda4b');
    const ttlMs = await redis.pttl(
      `${prefixes.at(-1) ?? ''}incident:cpu-alarm:key:i-0f672ea50a80cda4b`,
    );
    expect(ttlMs).toBeGreaterThan(60 * 60 * 1000);
  });

  describe('with the corpus and the test runbooks in a folder', () => {
    const folder = writeTestRunbooks();
    const catalog = RunbookCatalog.load([folder]);
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it.each(EXPECTED_ROUTES)('routes %s/%s to %j', async (path, file, expected) => {
      const harness = createHarness({ runbooks: catalog.list() });
      const envelope = { MessageId: randomUUID(), TopicArn: TEST_TOPIC_ARN } as SnsEnvelope;
      const event = parseTriggerMessage(readCorpus(path, file));

      const result = await harness.intake.onNotification(envelope, event);

      expect(harness.started.map((r) => r.runbookId).sort()).toEqual(expected);
      expect(result.outcomes.filter((o) => o.kind === 'started')).toHaveLength(expected.length);
    });

    it('maps finding fields into the run inputs', async () => {
      const harness = createHarness({ runbooks: catalog.list() });
      const envelope = { MessageId: randomUUID(), TopicArn: TEST_TOPIC_ARN } as SnsEnvelope;
      const file =
        'eventbridge.guardduty-finding.CryptoCurrency-EC2-BitcoinTool.B-DNS.redacted-by-author.json';

      await harness.intake.onNotification(
        envelope,
        parseTriggerMessage(readCorpus('guardduty', file)),
      );

      expect(harness.started).toMatchObject([
        {
          runbookId: 'crypto-mining',
          inputs: { instanceId: 'i-00aa97663294ffbbd' },
          trigger: { incidentKey: 'finding:guardduty:92c1a1d65b221e96d6a6fae27aaaae43' },
        },
      ]);
    });
  });
});

/** Takes a MessageId alone; true when it was free. */
async function claimMessage(store: MemoryDedupeStore, messageId: string, messageTtlMs: number) {
  return !(await store.claimDelivery({ messageId, messageTtlMs, incidents: [] })).duplicate;
}

describe('createSnsIntake with the in-memory store', () => {
  it('starts a new run once the incident window has passed', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    const harness = createHarness({
      store: new MemoryDedupeStore({ clock }),
      intake: { incidentWindowMs: 60_000 },
    });

    await harness.deliver(alarmDelivery());
    clock.advanceTo(clock.now() + 59_000);
    await harness.deliver(alarmDelivery());
    clock.advanceTo(clock.now() + 2_000);
    await harness.deliver(alarmDelivery());

    expect(harness.started.map((r) => r.runId)).toEqual(['run-000001', 'run-000003']);
    expect(harness.recordsOf('note')).toMatchObject([{ runId: 'run-000001' }]);
  });

  it('forgets a MessageId after its TTL', async () => {
    const clock = new VirtualClock(0);
    const store = new MemoryDedupeStore({ clock });

    const first = await claimMessage(store, 'm-1', 1_000);
    const again = await claimMessage(store, 'm-1', 1_000);
    clock.advanceTo(1_000);
    const later = await claimMessage(store, 'm-1', 1_000);

    expect([first, again, later]).toEqual([true, false, true]);
  });

  it('keeps at most maxEntries records, dropping the oldest', async () => {
    const store = new MemoryDedupeStore({ maxEntries: 2 });

    await claimMessage(store, 'a', 60_000);
    await claimMessage(store, 'b', 60_000);
    await claimMessage(store, 'c', 60_000);

    expect(await claimMessage(store, 'a', 60_000)).toBe(true);
    expect(await claimMessage(store, 'c', 60_000)).toBe(false);
  });
});
