import { describe, expect, it } from 'vitest';
import { MemoryAuditLog, RefusalAudit } from '../../src/audit/index.js';
import type { RefusalEntry } from '../../src/audit/index.js';
import { createSilentLogger, VirtualClock } from '../../src/shared/index.js';

const forged = (code: string, n: number): RefusalEntry => ({
  type: 'request.refused',
  actor: 'slack:unverified',
  data: { source: 'slack', code, reason: `forged request ${n}` },
});

function setUp() {
  const clock = new VirtualClock(Date.parse('2026-12-04T10:00:00.000Z'));
  const audit = new MemoryAuditLog(clock);
  const logger = createSilentLogger();
  const refusals = new RefusalAudit({
    audit,
    clock,
    logger,
    windowMs: 60_000,
    recordedPerWindow: 3,
  });
  return { clock, audit, refusals };
}

describe('RefusalAudit', () => {
  it('records the first refusals of a window one by one and the rest as one count', async () => {
    const { clock, audit, refusals } = setUp();
    for (let n = 1; n <= 10; n++) await refusals.record(forged('SLACK_BAD_SIGNATURE', n));
    expect(audit.records).toHaveLength(3);

    clock.advanceTo(clock.now() + 60_000);
    await new Promise((resolve) => setImmediate(resolve));

    expect(audit.records.map((r) => r.data?.['reason'])).toEqual([
      'forged request 1',
      'forged request 2',
      'forged request 3',
      '7 more refusals with code SLACK_BAD_SIGNATURE in this window were counted, not recorded one by one (3 were)',
    ]);
    expect(audit.records[3]).toMatchObject({
      type: 'request.refused',
      actor: 'slack:unverified',
      data: {
        code: 'SLACK_BAD_SIGNATURE',
        source: 'slack',
        countedNotRecorded: 7,
        countedFrom: { unknown: 7 },
        from: '2026-12-04T10:00:00.000Z',
        to: '2026-12-04T10:01:00.000Z',
      },
    });
  });

  it('keeps a window per code, and starts a new one once the old one is over', async () => {
    const { clock, audit, refusals } = setUp();
    for (let n = 1; n <= 4; n++) await refusals.record(forged('SLACK_BAD_SIGNATURE', n));
    for (let n = 1; n <= 2; n++) await refusals.record(forged('SLACK_STALE_TIMESTAMP', n));
    clock.advanceTo(clock.now() + 61_000);
    await refusals.record(forged('SLACK_BAD_SIGNATURE', 5));

    const summary = (r: (typeof audit.records)[number]) =>
      `${String(r.data?.['code'])}:${String(r.data?.['countedNotRecorded'] ?? r.data?.['reason'])}`;
    expect(audit.records.map(summary)).toEqual([
      'SLACK_BAD_SIGNATURE:forged request 1',
      'SLACK_BAD_SIGNATURE:forged request 2',
      'SLACK_BAD_SIGNATURE:forged request 3',
      'SLACK_STALE_TIMESTAMP:forged request 1',
      'SLACK_STALE_TIMESTAMP:forged request 2',
      'SLACK_BAD_SIGNATURE:1',
      'SLACK_BAD_SIGNATURE:forged request 5',
    ]);
  });

  it('writes the counts of open windows on flush, and nothing for windows with none', async () => {
    const { audit, refusals } = setUp();
    for (let n = 1; n <= 5; n++) await refusals.record(forged('SNS_SIGNATURE_INVALID', n));
    await refusals.record(forged('SNS_TOPIC_NOT_ALLOWED', 1));

    await refusals.flush();
    await refusals.flush();

    expect(audit.records).toHaveLength(5);
    expect(audit.records.at(-1)?.data).toMatchObject({
      code: 'SNS_SIGNATURE_INVALID',
      countedNotRecorded: 2,
    });
  });
});
