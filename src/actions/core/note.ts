import { z } from 'zod';
import type { ActionDefinition } from '../types.js';

const input = z.strictObject({ text: z.string().min(1) });

/** `note`: writes a line into the run's record (audit log, Slack thread). Safe to repeat. */
export const noteAction: ActionDefinition<z.output<typeof input>, { text: string }> = {
  id: 'note',
  summary: "Adds a note to the run's record",
  input,
  iamActions: [],
  mutating: false,
  idempotency: 'safe',
  async run({ text }, context) {
    context.note(text);
    return { text };
  },
};
