import { z } from 'zod';
import type { ActionDefinition } from '../types.js';

const input = z.strictObject({ message: z.string().optional() });

/**
 * `approval`: a gate with no effect of its own. The engine treats a step with this action as
 * needing approval even without an `approval:` block; once approved, it records the decision.
 */
export const approvalAction: ActionDefinition<z.output<typeof input>, { approved: true }> = {
  id: 'approval',
  summary: 'Waits for a human decision before the run goes on',
  input,
  iamActions: [],
  mutating: false,
  idempotency: 'safe',
  async run() {
    return { approved: true };
  },
};
