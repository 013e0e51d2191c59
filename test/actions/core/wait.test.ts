import { describe, expect, it } from 'vitest';
import { waitAction } from '../../../src/actions/core/wait.js';
import { parseRunbook } from '../../../src/runbook/index.js';
import { createRunHarness, START_MS } from '../../plan/run-harness.js';

const WAIT_RUNBOOK = `name: wait-for-it
title: Wait, then note
severity: low
inputs: { until: { type: string, required: false } }
phases:
  detect:
    - { id: pause, action: wait, with: { duration: 5m } }
    - { id: tell, action: note, with: { text: "resumed" } }
`;

describe('wait', () => {
  it('takes a duration or a time, not both and not neither', () => {
    expect(waitAction.input.safeParse({ duration: '5m' }).success).toBe(true);
    expect(waitAction.input.safeParse({ until: '2025-03-01T12:05:00Z' }).success).toBe(true);
    expect(waitAction.input.safeParse({}).error?.issues[0]?.message).toBe(
      'give duration (e.g. 5m) or until (an ISO 8601 time)',
    );
    expect(waitAction.input.safeParse({ duration: '8d' }).error?.issues[0]?.message).toBe(
      'a wait lasts 7d at most',
    );
    expect(waitAction.input.safeParse({ duration: '7d' }).success).toBe(true);
    const both = waitAction.input.safeParse({ duration: '5m', until: '2025-03-01T12:05:00Z' });
    expect(both.error?.issues[0]?.message).toBe('give either duration or until, not both');
    expect(waitAction.input.safeParse({ duration: 'five minutes' }).error?.issues[0]?.message).toBe(
      'expected a duration such as 90s, 5m or 1h',
    );
  });

  it('holds the in-process run on the clock and resumes it when the time is up', async () => {
    const h = createRunHarness({ runbooks: [parseRunbook('wait.yaml', WAIT_RUNBOOK)] });
    const started = await h.driver.startRun({
      runbookId: 'wait-for-it',
      inputs: {},
      requester: 'U1',
      trigger: { source: 'cli' },
    });
    await h.driver.idle();
    const waiting = await h.driver.getRun(started.runId);
    expect(waiting?.status).toBe('running');
    expect(waiting?.steps[0]?.waitUntilMs).toBe(START_MS + 5 * 60_000);

    h.clock.advanceTo(START_MS + 5 * 60_000 - 1);
    await h.driver.idle();
    expect((await h.driver.getRun(started.runId))?.steps[1]?.status).toBe('pending');

    h.clock.advanceTo(START_MS + 5 * 60_000);
    await h.driver.idle();
    const final = await h.driver.getRun(started.runId);
    expect(final?.status).toBe('succeeded');
    expect(final?.steps[0]?.outputs).toEqual({ until: '2025-03-01T12:05:00.000Z' });
  });

  it('is over at once for a time already past, and refuses a wait of more than 7 days', async () => {
    const h = createRunHarness({
      runbooks: [
        parseRunbook(
          'until.yaml',
          WAIT_RUNBOOK.replace('{ duration: 5m }', '{ until: "${{ inputs.until }}" }'),
        ),
      ],
    });
    const run = (until: string) =>
      h.driver.startRun({
        runbookId: 'wait-for-it',
        inputs: { until },
        requester: 'U1',
        trigger: { source: 'cli' },
      });
    const past = await run('2025-03-01T11:00:00Z');
    const far = await run('2025-03-09T12:00:00Z');
    await h.driver.idle();

    expect((await h.driver.getRun(past.runId))?.status).toBe('succeeded');
    const refused = await h.driver.getRun(far.runId);
    expect(refused?.status).toBe('failed');
    expect(refused?.steps[0]?.error?.code).toBe('WAIT_TOO_LONG');
  });
});
