import { describe, expect, it } from 'vitest';
import { toRunMessage } from '../../src/chatops/index.js';
import { applyEvent, createRunState, startRun } from '../../src/engine/index.js';
import { parseRunbook } from '../../src/runbook/index.js';

const RUNBOOK = parseRunbook(
  'pause.yaml',
  `name: pause
title: Wait, then note
severity: low
phases:
  detect:
    - { id: settle, action: wait, with: { duration: 3d } }
    - { id: tell, action: note, with: { text: settled } }
`,
).runbook;

const START_MS = Date.parse('2026-12-04T09:00:00.000Z');

function waitingUntil(untilMs: number) {
  const request = {
    runId: 'run-1',
    runbookId: 'pause',
    inputs: {},
    requester: 'U1',
    trigger: { source: 'cli' as const },
  };
  const started = startRun(createRunState(RUNBOOK, request, { nowMs: START_MS, simulated: true }));
  return applyEvent(started.state, {
    type: 'step_waiting',
    stepId: 'settle',
    atMs: START_MS,
    untilMs,
    outputs: { until: new Date(untilMs).toISOString() },
  }).state;
}

const stepsText = (untilMs: number) =>
  JSON.stringify(toRunMessage(waitingUntil(untilMs), START_MS).blocks);

describe('the run message of a run in a wait step', () => {
  it('says until when, with the day when it is not today', () => {
    expect(stepsText(START_MS + 5 * 60_000)).toContain('waiting until 09:05 UTC');
    expect(stepsText(Date.parse('2026-12-07T08:00:00.000Z'))).toContain(
      'waiting until Dec 7 08:00 UTC',
    );
  });
});
