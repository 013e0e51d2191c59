import { FirebreakError } from '../shared/index.js';
import type { AnyActionDefinition } from './types.js';

/** The actions a deployment knows, by id. */
export class ActionRegistry {
  private readonly byId = new Map<string, AnyActionDefinition>();

  constructor(actions: readonly AnyActionDefinition[]) {
    for (const action of actions) {
      if (this.byId.has(action.id)) {
        throw new FirebreakError('ACTION_DUPLICATE', `action "${action.id}" is registered twice`);
      }
      this.byId.set(action.id, action);
    }
  }

  /** The action named `id`, or undefined. */
  find(id: string): AnyActionDefinition | undefined {
    return this.byId.get(id);
  }

  /** The action named `id`; throws ACTION_UNKNOWN when there is none. */
  get(id: string): AnyActionDefinition {
    const action = this.byId.get(id);
    if (!action) {
      throw new FirebreakError('ACTION_UNKNOWN', `unknown action "${id}"`);
    }
    return action;
  }

  /** Every action, sorted by id. */
  list(): AnyActionDefinition[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}
