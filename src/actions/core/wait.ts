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
    until: z
      .string()
      .refine(isIsoTime, 'expected an ISO 8601 time with its zone, e.g. 2026-12-04T09:30:00Z')
      .optional()
      .describe('Wait until this time (ISO 8601 with its zone), e.g. a time a step output gave.'),
  })
  .refine((value) => value.duration !== undefined || value.until !== undefined, {
    message: 'give duration (e.g. 5m) or until (an ISO 8601 time)',
  })
  .refine((value) => value.duration === undefined || value.until === undefined, {
    message: 'give either duration or until, not both',
  });

/** `2026-12-04T09:30:00Z`, `2026-12-04T10:30:00.5+01:00`: a date, a time and a zone. */
function isIsoTime(text: string): boolean {
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
  return iso.test(text) && !Number.isNaN(Date.parse(text));
}

const output = z.object({
  until: z.string().describe('When the wait ended (ISO), or would have, for a time already past.'),
});

/** What `wait` reports: when the wait was over. */
export type WaitOutput = z.output<typeof output>;

/**
 * `wait`: holds the run until a duration has passed or a time is reached, without holding a
 * worker: the step is resumed by a timer (a delayed job on Redis), and an abort ends the run
 * at once instead of after the wait.
 */
export const waitAction: ActionDefinition<z.output<typeof input>, WaitOutput> = {
  id: 'wait',
  summary: 'Waits for a duration or until a time; an abort ends the wait at once',
  input,
  output,
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
