import { afterEach, describe, expect, inject, it } from 'vitest';

import { isFinished } from '../../src/engine/index.js';
import { RedisDedupeStore, createSnsRoute } from '../../src/triggers/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { TEST_TOPIC_ARN, createTestSigner, toAlarmMessage } from './signed-alarms.js';
import { cpuAlarmRunbook, parseTestRunbook } from './trigger-runbooks.js';

// A runbook with a lock: the driver records the run before it asks for the lock.
const LOCKED_RUNBOOK = cpuAlarmRunbook({ header: 'lock: "${{ inputs.instanceId }}"\n' });

const signer = createTestSigner();
let stack: TestStack | undefined;
let prefix = '';

afterEach(async () => {
  if (!stack) return;
  await deletePrefix(stack.redis, prefix);
  await stack.close();
  stack = undefined;
});

describe('SNS intake when a start fails after the run is recorded', () => {
  it('keeps one run for one incident when the lock call fails after the run is on record', async () => {
    prefix = uniquePrefix();
    stack = await createTestStack({
      redisUrl: inject('redisUrl'),
      prefix,
      runbooks: [LOCKED_RUNBOOK],
      role: 'client',
    });
    const { driver, audit, redis } = stack;
    // One Redis blip on the lock call, after the run's first commit landed.
    const acquire = driver.locks.acquire.bind(driver.locks);
    let blips = 1;
    driver.locks.acquire = async (...args) => {
      if (blips-- > 0) throw new Error('Connection is closed.');
      return acquire(...args);
    };
    const route = createSnsRoute({
      allowedTopicArns: [TEST_TOPIC_ARN],
      runbooks: [parseTestRunbook(LOCKED_RUNBOOK)],
      audit,
      store: new RedisDedupeStore({ redis, keyPrefix: `${prefix}:trigger:` }),
      fetchCertificate: signer.fetchCertificate,
      confirmSubscription: async () => undefined,
      startRun: (request) => driver.startRun(request),
    });
    const body = signer.sign(toAlarmMessage(), 'msg-1');

    const first = await route({ body, headers: {} });
    // Were the first answered 500, SNS would deliver again and start a second run.
    const again = await route({ body, headers: {} });

    expect([first.status, again.status]).toEqual([200, 200]);
    const open = (await driver.listRuns()).filter((run) => !isFinished(run));
    // The first run is on record (waiting for its lock) and the sweeper will start it too.
    const stored = await Promise.all(open.map((run) => driver.getStoredRun(run.runId)));
    expect(stored.map((s) => ({ version: s?.state.version, waiting: s?.waiting }))).toHaveLength(1);
  });
});
