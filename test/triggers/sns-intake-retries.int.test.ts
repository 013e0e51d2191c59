import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { MemoryAuditLog, appendAll } from '../../src/audit/index.js';
import type { RunRequest } from '../../src/engine/index.js';
import { createSequentialIds } from '../../src/shared/index.js';
import {
  MemoryDedupeStore,
  RedisDedupeStore,
  createSnsIntake,
  parseTriggerMessage,
} from '../../src/triggers/index.js';
import type { DedupeStore, SnsEnvelope } from '../../src/triggers/index.js';
import { TEST_TOPIC_ARN, toAlarmMessage } from './signed-alarms.js';
import { cpuAlarmRunbook, parseTestRunbook } from './trigger-runbooks.js';

// Runbooks whose rules all match the corpus EC2-CPU alarm.
const runbookYaml = (name: string, rule = '') => cpuAlarmRunbook({ name, rule });

let redis: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function createRedisStore(): RedisDedupeStore {
  const keyPrefix = `firebreak-test:intake-retries:${randomUUID()}:`;
  prefixes.push(keyPrefix);
  return new RedisDedupeStore({ redis, keyPrefix });
}

function createHarness(store: DedupeStore, runbooks: string[], failFirstStarts: number) {
  const audit = new MemoryAuditLog({ now: () => Date.now(), setTimer: () => () => undefined });
  const started: RunRequest[] = [];
  let failures = failFirstStarts;
  const intake = createSnsIntake({
    runbooks: runbooks.map(parseTestRunbook),
    store,
    audit,
    startRun: async (request) => {
      if (failures-- > 0) throw new Error('queue unavailable');
      await appendAll(audit, request.triggerAudit ?? []);
      started.push(request);
    },
    createRunId: createSequentialIds('run'),
  });
  const envelope = { MessageId: randomUUID(), TopicArn: TEST_TOPIC_ARN } as SnsEnvelope;
  const deliver = () => intake.onNotification(envelope, parseTriggerMessage(toAlarmMessage()));
  return { audit, started, deliver };
}

describe.each([
  ['redis', () => createRedisStore()],
  ['memory', () => new MemoryDedupeStore()],
])('SNS intake with a %s store', (_name, createStore) => {
  it('starts every matching runbook once SNS retries a delivery whose first run start failed', async () => {
    const harness = createHarness(createStore(), [runbookYaml('cpu-a'), runbookYaml('cpu-b')], 1);

    await expect(harness.deliver()).rejects.toThrow('queue unavailable');
    const retry = await harness.deliver();

    // The failed delivery claimed cpu-b's incident for a run that was never started; the
    // retry then notes the alarm on that phantom run instead of starting cpu-b.
    expect(harness.started.map((r) => r.runbookId).sort()).toEqual(['cpu-a', 'cpu-b']);
    const startedRunIds = harness.started.map((r) => r.runId);
    for (const outcome of retry.outcomes) {
      if (outcome.kind === 'noted') expect(startedRunIds).toContain(outcome.note.runId);
    }
  });
});

describe('SNS intake with a Redis store and a zero dedupeWindow', () => {
  it('starts the run (Redis refuses PX 0, so the TTL is at least 1 ms) and refuses the redelivery', async () => {
    const harness = createHarness(
      createRedisStore(),
      [runbookYaml('cpu-a', '    dedupeWindow: 0s\n')],
      0,
    );

    const first = await harness.deliver();
    const again = await harness.deliver();

    expect(first.outcomes).toMatchObject([{ kind: 'started', runbookId: 'cpu-a' }]);
    expect(again.duplicate).toBe(true);
    expect(harness.started).toHaveLength(1);
  });
});
