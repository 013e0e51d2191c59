import { afterEach, describe, expect, inject, it } from 'vitest';

import type { AuditRecord } from '../../src/audit/index.js';
import { isFinished } from '../../src/engine/index.js';
import { RedisDedupeStore, createSnsRoute } from '../../src/triggers/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { TEST_TOPIC_ARN, createTestSigner, toAlarmMessage } from './signed-alarms.js';
import { cpuAlarmRunbook, parseTestRunbook } from './trigger-runbooks.js';

// The SNS route in front of the durable driver, as `firebreak serve` builds it with REDIS_URL.
const ALARM_RUNBOOK = cpuAlarmRunbook();
// The same, refusing a second run on an instance while one holds its lock.
const LOCKED_RUNBOOK = cpuAlarmRunbook({
  header: 'lock: "${{ inputs.instanceId }}"\nlockMode: refuse\n',
});
// With a lock to wait for: the driver records the run before it asks for the lock.
const WAITING_RUNBOOK = cpuAlarmRunbook({ header: 'lock: "${{ inputs.instanceId }}"\n' });

const signer = createTestSigner();
let stack: TestStack | undefined;
let prefix = '';

afterEach(async () => {
  if (!stack) return;
  await deletePrefix(stack.redis, prefix);
  await stack.close();
  stack = undefined;
});

async function createRoute(runbook = ALARM_RUNBOOK) {
  prefix = uniquePrefix();
  stack = await createTestStack({
    redisUrl: inject('redisUrl'),
    prefix,
    runbooks: [runbook],
    role: 'client',
  });
  const { driver, audit, redis } = stack;
  const route = createSnsRoute({
    allowedTopicArns: [TEST_TOPIC_ARN],
    runbooks: [parseTestRunbook(runbook)],
    audit,
    store: new RedisDedupeStore({ redis, keyPrefix: `${prefix}:trigger:` }),
    fetchCertificate: signer.fetchCertificate,
    confirmSubscription: async () => undefined,
    startRun: (request) => driver.startRun(request),
  });
  const records = async (): Promise<AuditRecord[]> => {
    const lines: AuditRecord[] = [];
    for await (const line of audit.lines()) lines.push(JSON.parse(line) as AuditRecord);
    return lines;
  };
  return { route, records, stack };
}

describe('SNS route with the BullMQ driver on Redis', () => {
  it('writes the trigger records and the run start together, then refuses the redelivery', async () => {
    const { route, records, stack } = await createRoute();
    const body = signer.sign(toAlarmMessage(), 'msg-1');

    const first = await route({ body, headers: {} });
    const again = await route({ body, headers: {} });

    expect([first.status, again.status]).toEqual([200, 200]);
    const runs = await stack.driver.listRuns();
    expect(runs).toHaveLength(1);
    const runId = runs[0]?.runId;
    const chain = await records();
    expect(chain.map((r) => [r.type, r.runId ?? null]).slice(0, 3)).toEqual([
      ['trigger.received', null],
      ['trigger.matched', runId],
      ['run.started', runId],
    ]);
    expect(chain.slice(-2).map((r) => [r.type, r.data?.['code'] ?? null])).toEqual([
      ['trigger.received', null],
      ['trigger.refused', 'TRIGGER_DUPLICATE_MESSAGE'],
    ]);
    expect((await stack.audit.verify()).ok).toBe(true);
  });

  it('answers 200 and records the trigger once, beside the refused run', async () => {
    const { route, records, stack } = await createRoute(LOCKED_RUNBOOK);
    const { driver, audit } = stack;
    // A run from the CLI holds the instance's lock (no worker here, so it keeps it).
    await driver.startRun({
      runbookId: 'cpu-alarm',
      inputs: { instanceId: 'i-0f672ea50a80cda4b' },
      requester: 'U1',
      trigger: { source: 'cli' },
    });

    const response = await route({ body: signer.sign(toAlarmMessage(), 'msg-1'), headers: {} });

    expect(response.status).toBe(200);
    const chain = await records();
    const count = (type: string) => chain.filter((r) => r.type === type).length;
    expect({ received: count('trigger.received'), matched: count('trigger.matched') }).toEqual({
      received: 1,
      matched: 1,
    });
    expect(chain.filter((r) => r.data?.['code'] === 'TRIGGER_START_FAILED')).toEqual([]);
    expect(chain.filter((r) => r.type === 'request.refused')).toMatchObject([
      { data: { code: 'RUN_LOCKED' } },
    ]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('keeps one run for one incident when the lock call fails after the run is on record', async () => {
    const { route, stack } = await createRoute(WAITING_RUNBOOK);
    const { driver } = stack;
    // One Redis blip on the lock call, after the run's first commit landed.
    const acquire = driver.locks.acquire.bind(driver.locks);
    let blips = 1;
    driver.locks.acquire = async (...args) => {
      if (blips-- > 0) throw new Error('Connection is closed.');
      return acquire(...args);
    };
    const body = signer.sign(toAlarmMessage(), 'msg-1');

    const first = await route({ body, headers: {} });
    // Were the first answered 500, SNS would deliver again and start a second run.
    const again = await route({ body, headers: {} });

    expect([first.status, again.status]).toEqual([200, 200]);
    // One run, on record and waiting for its lock, which the sweeper asks for again.
    const open = (await driver.listRuns()).filter((run) => !isFinished(run));
    expect(open).toHaveLength(1);
    expect((await driver.getStoredRun(open[0]?.runId ?? ''))?.waiting).toBe(true);
  });
});
