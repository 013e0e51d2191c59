import type { AnyActionDefinition } from '../types.js';
import { approvalAction } from './approval.js';
import { failAction } from './fail.js';
import { noteAction } from './note.js';
import { waitAction } from './wait.js';

/** The actions that need no outside service. */
export const coreActions: readonly AnyActionDefinition[] = [
  approvalAction,
  failAction,
  noteAction,
  waitAction,
];
