import { expect } from 'vitest';
import type { ActionContext, AnyActionDefinition } from '../../../src/actions/index.js';
import { createActionRegistry } from '../../../src/main.js';
import { SimulatedAccount, type SimulatedAccountState } from '../../../src/aws/index.js';
import { createResponseSeed } from './response-seed.js';
import { createSimulatedAwsClients, createTestActionContext, runAction } from './action-context.js';

/** A simulated account seeded with {@link createResponseSeed} and a context on it. */
export function createResponseSimulation(): { account: SimulatedAccount; context: ActionContext } {
  const account = new SimulatedAccount(createResponseSeed());
  const context = createTestActionContext({ aws: createSimulatedAwsClients(account) });
  return { account, context };
}

/** What {@link runWithUndo} observed. */
export interface UndoObservation {
  before: SimulatedAccountState;
  after: SimulatedAccountState;
  undone: SimulatedAccountState;
  output: unknown;
  undoInput: Record<string, unknown> | undefined;
  undoOutput: unknown;
}

/**
 * Runs `action`, then its undo as `firebreak undo` would build it (through the registry, from
 * the recorded output), snapshotting the account before, after and after the undo.
 */
export async function runWithUndo(
  account: SimulatedAccount,
  context: ActionContext,
  action: AnyActionDefinition,
  input: unknown,
): Promise<UndoObservation> {
  const before = account.snapshot();
  const parsed = action.input.parse(input);
  const output = await action.run(parsed, context);
  const after = account.snapshot();
  expect(action.undo, `${action.id} names an undo`).toBeDefined();
  const undoInput = action.undo?.input(output, parsed);
  const undoAction = createActionRegistry().get(action.undo?.action ?? '');
  const undoOutput =
    undoInput === undefined ? undefined : await runAction(undoAction, undoInput, context);
  return { before, after, undone: account.snapshot(), output, undoInput, undoOutput };
}

/** The names of commands a mocked client received, with their inputs. */
export function sentCommands(mock: { calls(): { args: unknown[] }[] }): [string, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name.replace(/Command$/, ''), command.input];
  });
}
