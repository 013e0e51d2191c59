import { z } from 'zod';
import { FirebreakError } from '../../shared/index.js';
import type { ActionDefinition } from '../types.js';

const input = z.strictObject({ reason: z.string().min(1) });

/** `fail`: stops the run on purpose with a reason (used after a failed check). */
export const failAction: ActionDefinition<z.output<typeof input>, never> = {
  id: 'fail',
  summary: 'Fails the run with a reason',
  input,
  iamActions: [],
  mutating: false,
  idempotency: 'safe',
  async run({ reason }, context) {
    throw new FirebreakError('RUN_FAILED_BY_RUNBOOK', reason, {
      runId: context.runId,
      stepId: context.stepId,
    });
  },
};
