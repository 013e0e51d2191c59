import { describe, expect, it } from 'vitest';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import type { AuditEntry, AuditRecord } from '../../src/audit/index.js';
import type { AwsClients } from '../../src/aws/index.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { parseRunbook, RunbookCatalog } from '../../src/runbook/index.js';
import { createSequentialIds, createSilentLogger, VirtualClock } from '../../src/shared/index.js';

const TWO_NOTES = `name: two-notes
title: Two notes
severity: low
inputs: {}
phases:
  detect:
    - { id: first, action: note, with: { text: one } }
    - { id: second, action: note, with: { text: two } }
`;

/** A log that refuses every write after the first `accepted` (a full disk, a held lock). */
class FailingAuditLog extends MemoryAuditLog {
  constructor(
    clock: VirtualClock,
    private accepted: number,
  ) {
    super(clock);
  }

  override async append(entry: AuditEntry): Promise<AuditRecord> {
    if (this.accepted-- <= 0 && entry.type !== 'run.finished') {
      throw new Error('ENOSPC: no space left on device');
    }
    return super.append(entry);
  }
}

describe('InProcessDriver when the audit log refuses a write', () => {
  it('ends the run as failed with the reason instead of leaving it running', async () => {
    const clock = new VirtualClock(Date.parse('2026-12-04T10:00:00Z'));
    const audit = new FailingAuditLog(clock, 3);
    const driver = new InProcessDriver({
      catalog: new RunbookCatalog([parseRunbook('two-notes.yaml', TWO_NOTES)]),
      actions: new ActionRegistry(coreActions),
      aws: { simulated: true, region: 'us-east-1' } as AwsClients,
      audit,
      clock,
      logger: createSilentLogger(),
      createRunId: createSequentialIds('run'),
    });
    const seen: string[] = [];
    driver.onChange((state) => seen.push(state.status));

    const { runId } = await driver.startRun({
      runbookId: 'two-notes',
      inputs: {},
      requester: 'bob',
      trigger: { source: 'cli' },
    });
    await driver.idle();

    const run = await driver.getRun(runId);
    expect(run).toMatchObject({
      status: 'failed',
      failure: { code: 'RUN_INTERNAL_ERROR', message: 'ENOSPC: no space left on device' },
    });
    expect(seen.at(-1)).toBe('failed');
    expect(audit.records.at(-1)).toMatchObject({
      type: 'run.finished',
      data: { status: 'failed' },
    });
  });
});
