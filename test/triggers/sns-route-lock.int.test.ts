import { afterEach, describe, expect, inject, it } from 'vitest';

import type { AuditRecord } from '../../src/audit/index.js';
import { RedisDedupeStore, createSnsRoute } from '../../src/triggers/index.js';
import { createTestStack, deletePrefix, uniquePrefix } from '../queue/stack.js';
import type { TestStack } from '../queue/stack.js';
import { TEST_TOPIC_ARN, createTestSigner, toAlarmMessage } from './signed-alarms.js';
import { parseTestRunbook } from './trigger-runbooks.js';

// A runbook that refuses a second run on the same instance while one holds the lock.
const LOCKED_RUNBOOK = `name: cpu-alarm
title: CPU alarm
severity: high
lock: "\${{ inputs.instanceId }}"
lockMode: refuse
inputs:
  instanceId: { type: ec2-instance-id }
triggers:
  - alarm: { name: "EC2-*", namespace: AWS/EC2 }
    inputs: { instanceId: "\${{ trigger.dimensions.InstanceId }}" }
phases:
  detect:
    - { id: record, action: note, with: { text: "cpu" } }
`;

const signer = createTestSigner();
let stack: TestStack | undefined;
let prefix = '';

afterEach(async () => {
  if (!stack) return;
  await deletePrefix(stack.redis, prefix);
  await stack.close();
  stack = undefined;
});

describe('SNS route with the BullMQ driver when the runbook lock refuses the run', () => {
  it('answers 200 and records the trigger once, beside the refused run', async () => {
    prefix = uniquePrefix();
    stack = await createTestStack({
      redisUrl: inject('redisUrl'),
      prefix,
      runbooks: [LOCKED_RUNBOOK],
      role: 'client',
    });
    const { driver, audit, redis } = stack;
    const route = createSnsRoute({
      allowedTopicArns: [TEST_TOPIC_ARN],
      runbooks: [parseTestRunbook(LOCKED_RUNBOOK)],
      audit,
      store: new RedisDedupeStore({ redis, keyPrefix: `${prefix}:trigger:` }),
      fetchCertificate: signer.fetchCertificate,
      confirmSubscription: async () => undefined,
      startRun: (request) => driver.startRun(request),
    });
    // A run from the CLI holds the instance's lock (no worker here, so it keeps it).
    await driver.startRun({
      runbookId: 'cpu-alarm',
      inputs: { instanceId: 'i-0f672ea50a80cda4b' },
      requester: 'U1',
      trigger: { source: 'cli' },
    });

    const response = await route({ body: signer.sign(toAlarmMessage(), 'msg-1'), headers: {} });

    expect(response.status).toBe(200);
    const chain: AuditRecord[] = [];
    for await (const line of audit.lines()) chain.push(JSON.parse(line) as AuditRecord);
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
});
