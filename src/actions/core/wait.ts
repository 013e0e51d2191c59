import { z } from 'zod';
import { FirebreakError, isDuration, parseDurationMs } from '../../shared/index.js';
import type { ActionDefinition } from '../types.js';

/** Longest one `wait` step may hold its run. */
const MAX_WAIT_MS = 7 * 24 * 60 * 60 * 1000;

const input = z
  .strictObject({
    duration: z
      .string()
      .refine(isDuration, 'expected a duration such as 90s, 5m or 1h')
      .refine((text) => !isDuration(text) || parseDurationMs(text) <= MAX_WAIT_MS, {
        message: 'a wait lasts 7d at most',
      })
      .optional()
      .describe('How long to wait, e.g. 5m; 7d at most.'),
    until: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Wait until this time (ISO 8601), e.g. a time a step output gave.'),
  })
  .refine((value) => value.duration !== undefined || value.until !== undefined, {
    message: 'give duration (e.g. 5m) or until (an ISO 8601 time)',
  })
  .refine((value) => value.duration === undefined || value.until === undefined, {
    message: 'give either duration or until, not both',
  });

/** What `wait` reports: when the wait was over. */
export interface WaitOutput {
  /** ISO time the step was over (or would have been, for a time already past). */
  until: string;
}

/**
 * `wait`: holds the run until a duration has passed or a time is reached, without holding a
 * worker: the step is resumed by a timer (a delayed job on Redis), and an abort ends the run
 * at once instead of after the wait.
 */
export const waitAction: ActionDefinition<z.output<typeof input>, WaitOutput> = {
  id: 'wait',
  summary: 'Waits for a duration or until a time; an abort ends the wait at once',
  input,
  iamActions: [],
  mutating: false,
  idempotency: 'safe',
  async run({ duration, until }, context) {
    const nowMs = context.clock.now();
    const untilMs =
      duration === undefined ? Date.parse(until ?? '') : nowMs + parseDurationMs(duration);
    if (untilMs - nowMs > MAX_WAIT_MS) {
      const asked = new Date(untilMs).toISOString();
      const message = `a wait ends at most 7 days ahead; asked to wait until ${asked}`;
      throw new FirebreakError('WAIT_TOO_LONG', message, { stepId: context.stepId });
    }
    return { until: new Date(untilMs).toISOString() };
  },
  resumeAt: (output) => Date.parse(output.until),
};
