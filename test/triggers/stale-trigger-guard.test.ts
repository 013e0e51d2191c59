import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { awsActions } from '../../src/actions/aws/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { SimulatedAccount, createAwsClients } from '../../src/aws/index.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { RunbookCatalog, parseRunbook } from '../../src/runbook/index.js';
import { createSilentLogger, createSystemClock } from '../../src/shared/index.js';
import {
  MemoryDedupeStore,
  createSnsIntake,
  parseTriggerMessage,
} from '../../src/triggers/index.js';
import type { SnsEnvelope } from '../../src/triggers/index.js';
import { toAlarmMessage } from './signed-alarms.js';

/**
 * The stale-trigger guard, as a runbook writes it: before the first mutating step, look the
 * alarm up again and stop with a reason when it is no longer in ALARM. Runs not started by
 * an alarm skip the check; an alarm the deployment cannot see does not block containment.
 */
const GUARDED_RUNBOOK = `name: cpu-guarded
title: CPU alarm with a stale-trigger guard
severity: high
triggers:
  - alarm: { name: "EC2-*" }
phases:
  detect:
    - id: alarmNow
      action: aws.cloudwatch.describeAlarm
      if: "trigger.kind = 'alarm'"
      with: { alarmName: "\${{ trigger.alarmName }}" }
      onFailure: continue
    - id: staleTrigger
      action: fail
      if: "steps.alarmNow.status = 'succeeded' and steps.alarmNow.outputs.state != 'ALARM'"
      with:
        reason: "stale trigger: alarm \${{ trigger.alarmName }} is \${{ steps.alarmNow.outputs.state }} now, nothing contained"
  contain:
    - { id: contain, action: note, with: { text: "containment would start here" } }
`;

async function runGuarded(alarmState: 'ALARM' | 'OK' | undefined) {
  const clock = createSystemClock();
  const alarms =
    alarmState === undefined
      ? []
      : [{ alarmName: 'EC2-CPU', stateValue: alarmState, threshold: 15 }];
  const account = new SimulatedAccount({ region: 'ap-northeast-2', alarms }, { clock });
  const aws = createAwsClients({ region: account.region, simulatedAccount: account });
  const catalog = new RunbookCatalog([parseRunbook('cpu-guarded.yaml', GUARDED_RUNBOOK)]);
  const audit = new MemoryAuditLog(clock);
  const actions = new ActionRegistry([...coreActions, ...awsActions]);
  const logger = createSilentLogger();
  const driver = new InProcessDriver({ catalog, actions, aws, audit, clock, logger });
  const intake = createSnsIntake({
    runbooks: catalog.list(),
    store: new MemoryDedupeStore({ clock }),
    audit,
    startRun: (request) => driver.startRun(request),
  });
  const envelope = { MessageId: randomUUID(), TopicArn: 'arn:aws:sns:x:1:t' } as SnsEnvelope;

  const result = await intake.onNotification(envelope, parseTriggerMessage(toAlarmMessage()));
  await driver.idle();

  const started = result.outcomes.find((o) => o.kind === 'started');
  if (started?.kind !== 'started') return expect.fail('the alarm started no run');
  const run = await driver.getRun(started.runId);
  const statusOf = (id: string) => run?.steps.find((s) => s.id === id)?.status;
  return { run, statusOf };
}

describe('the stale-trigger guard pattern', () => {
  it('stops the run before containment when the alarm is back to OK', async () => {
    const { run, statusOf } = await runGuarded('OK');

    expect(run?.status).toBe('failed');
    expect(run?.failure).toMatchObject({
      stepId: 'staleTrigger',
      code: 'RUN_FAILED_BY_RUNBOOK',
      message: 'stale trigger: alarm EC2-CPU is OK now, nothing contained',
    });
    expect(statusOf('contain')).not.toBe('succeeded');
  });

  it('goes on to containment while the alarm still fires', async () => {
    const { run, statusOf } = await runGuarded('ALARM');

    expect(run?.status).toBe('succeeded');
    expect(statusOf('staleTrigger')).toBe('skipped');
    expect(statusOf('contain')).toBe('succeeded');
  });

  it('does not block containment when the alarm cannot be looked up', async () => {
    const { statusOf } = await runGuarded(undefined);

    expect(statusOf('alarmNow')).toBe('failed');
    expect(statusOf('staleTrigger')).toBe('skipped');
    expect(statusOf('contain')).toBe('succeeded');
  });
});
