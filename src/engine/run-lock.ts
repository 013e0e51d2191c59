import { resolveTemplates } from '../runbook/index.js';
import type { RunbookDocument } from '../runbook/index.js';
import type { RunState } from './run-state.js';
import { scopeOf } from './step-runner.js';

/**
 * The resource a run of `runbook` locks: its `lock` expression resolved against the run's
 * inputs (e.g. the instance id), or undefined when the runbook has none or it resolves empty.
 */
export async function resolveRunLock(
  runbook: RunbookDocument,
  run: RunState,
): Promise<string | undefined> {
  if (runbook.lock === undefined) return undefined;
  const value = await resolveTemplates(runbook.lock, scopeOf(run));
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return text === '' ? undefined : text;
}
