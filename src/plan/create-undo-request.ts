import type { ActionRegistry } from '../actions/index.js';
import type { RunRequest, RunState, StepState } from '../engine/index.js';
import { isFinished } from '../engine/index.js';
import { runbookSchema, type RunbookCatalog, type RunbookDocument } from '../runbook/index.js';
import { UndoError } from './errors.js';

/** Options for {@link createUndoRequest}. */
export interface CreateUndoRequestOptions {
  /** Undo only this step. Default: every step that changed something, newest first. */
  stepId?: string;
  /** Who asks for the undo; cannot approve it. */
  requester: string;
  /** Roles that may approve each undo step. Default the original runbook's `approve` roles. */
  approverRoles?: readonly string[];
  /** The original runbook's permissions (`run`, `approve`), kept for the undo runbook. */
  permissions?: RunbookDocument['permissions'];
  /**
   * The resource the original run locked ({@link resolveRunLock}): the undo locks it too, so
   * that it never acts beside a newer run on the same resource, and is refused while one does
   * (or while another undo of the run does). Default `undo-<runId>`.
   */
  lock?: string;
  /**
   * Steps a finished undo run already reversed ({@link findReversedSteps}): left out, so each
   * change is reversed once. Asking for one of them alone, or for a run whose changes are all
   * reversed, is refused (`UNDO_ALREADY_DONE`).
   */
  reversed?: ReadonlyMap<string, string>;
}

/** A generated undo runbook and the request that starts it. */
export interface UndoRequest {
  readonly runbook: RunbookDocument;
  readonly request: RunRequest;
  /** Undo step id to the step of the original run it reverses, newest first. */
  readonly reverses: readonly { readonly undoStepId: string; readonly stepId: string }[];
}

/**
 * The runbook a run followed (its own, for an undo run), whose permissions the undo keeps.
 * Refused when it is not loaded: an undo without them would let anyone ask and approve.
 * @throws UndoError `UNDO_RUNBOOK_UNKNOWN`
 */
export function requireRunbookOf(
  run: RunState,
  catalog: Pick<RunbookCatalog, 'find' | 'refusedNote'>,
): RunbookDocument {
  const runbook = run.inlineRunbook ?? catalog.find(run.runbookId);
  if (runbook !== undefined) return runbook;
  throw new UndoError(
    'UNDO_RUNBOOK_UNKNOWN',
    `runbook ${run.runbookId} of run ${run.runId} is not loaded, so who may undo it is unknown; ` +
      `load it (FIREBREAK_RUNBOOKS) and try again${catalog.refusedNote()}`,
    { runId: run.runId },
  );
}

/** Undo step ids are this prefix and the id of the step they reverse. */
const UNDO_STEP_PREFIX = 'undo-';

/** The name of the undo runbook of a run. */
export function toUndoRunbookName(runId: string): string {
  return `undo-${runId}`;
}

/** An undo of `runId` still in flight among `runs`: a second one would reverse the same changes. */
export function findUndoInFlight(runId: string, runs: readonly RunState[]): RunState | undefined {
  const name = toUndoRunbookName(runId);
  return runs.find((run) => !isFinished(run) && run.runbookId === name);
}

/**
 * The steps of `runId` that undo runs among `runs` reversed: each original step id with the
 * undo run that reversed it. An undo step that was still running when its run was aborted
 * counts too (its action went ahead; only its result was dropped). One denied, failed or
 * never started reversed nothing and is not counted.
 */
export function findReversedSteps(
  runId: string,
  runs: readonly RunState[],
): ReadonlyMap<string, string> {
  const name = toUndoRunbookName(runId);
  const reversed = new Map<string, string>();
  for (const run of runs) {
    if (run.runbookId !== name) continue;
    for (const step of run.steps) {
      if (!step.id.startsWith(UNDO_STEP_PREFIX)) continue;
      const stepId = step.id.slice(UNDO_STEP_PREFIX.length);
      if (step.status === 'succeeded') reversed.set(stepId, run.runId);
      if (step.status === 'running' && isFinished(run)) {
        reversed.set(stepId, `${run.runId} (stopped while its undo step ran: check the resource)`);
      }
    }
  }
  return reversed;
}

function hasTemplateText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${{');
  if (Array.isArray(value)) return value.some(hasTemplateText);
  if (value !== null && typeof value === 'object')
    return Object.values(value).some(hasTemplateText);
  return false;
}

function undoInputOf(step: StepState, registry: ActionRegistry) {
  const undo = registry.find(step.action)?.undo;
  if (undo === undefined || step.status !== 'succeeded' || Array.isArray(step.outputs)) {
    return undefined;
  }
  const originalInput = (step.approval?.preview as { input?: unknown } | undefined)?.input ?? {};
  const input = undo.input(step.outputs as never, originalInput as never);
  return input === undefined ? undefined : { action: undo.action, input };
}

function newestFirst(run: RunState): StepState[] {
  const order = new Map(run.steps.map((s, index) => [s.id, index]));
  return [...run.steps].sort(
    (a, b) =>
      (b.finishedAtMs ?? 0) - (a.finishedAtMs ?? 0) ||
      (order.get(b.id) ?? 0) - (order.get(a.id) ?? 0),
  );
}

function alreadyDone(run: RunState, undoRunIds: readonly string[], what: string): UndoError {
  const by = [...new Set(undoRunIds)].join(', ');
  return new UndoError(
    'UNDO_ALREADY_DONE',
    `${what} of run ${run.runId} was already undone by ${by}; ` +
      `an undo reverses each change once (to reverse it again, undo the run that re-applied it, ` +
      `or start the runbook again)`,
    { runId: run.runId },
  );
}

function chooseSteps(
  run: RunState,
  registry: ActionRegistry,
  stepId: string | undefined,
  reversed: ReadonlyMap<string, string>,
) {
  if (stepId === undefined) return newestFirst(run);
  const undoneBy = reversed.get(stepId);
  if (undoneBy !== undefined) throw alreadyDone(run, [undoneBy], `step ${stepId}`);
  const step = run.steps.find((s) => s.id === stepId);
  if (step === undefined) {
    const known = run.steps.map((s) => s.id).join(', ');
    throw new UndoError(
      'UNDO_STEP_UNKNOWN',
      `run ${run.runId} has no step "${stepId}" (steps: ${known})`,
      {
        runId: run.runId,
      },
    );
  }
  if (undoInputOf(step, registry) === undefined) {
    throw new UndoError(
      'UNDO_STEP_NOT_UNDOABLE',
      `step ${stepId} of run ${run.runId} (${step.action}, ${step.status}) has nothing to undo: it did not succeed, changed nothing, or its action has no undo`,
      { runId: run.runId, stepId },
    );
  }
  return [step];
}

/**
 * Builds the undo of a finished run: an in-memory runbook `undo-<runId>` whose recover phase
 * holds, newest first, the undo action of each step that changed something, with the input
 * built from that step's recorded outputs, each behind an approval. Started like any run, it
 * goes through approvals and the audit log. Recorded values are literal `with:` values; one
 * holding `${{` is refused rather than evaluated.
 */
export function createUndoRequest(
  run: RunState,
  registry: ActionRegistry,
  options: CreateUndoRequestOptions,
): UndoRequest {
  if (!isFinished(run)) {
    throw new UndoError(
      'UNDO_RUN_NOT_FINISHED',
      `run ${run.runId} is ${run.status}; undo it once it has finished (or abort it first)`,
      { runId: run.runId },
    );
  }
  const approval = options.approverRoles?.length ? { roles: [...options.approverRoles] } : {};
  const reversed = options.reversed ?? new Map<string, string>();
  const steps = [];
  const reverses = [];
  const skipped: string[] = [];
  for (const step of chooseSteps(run, registry, options.stepId, reversed)) {
    const undo = undoInputOf(step, registry);
    if (undo === undefined) continue;
    const undoneBy = reversed.get(step.id);
    if (undoneBy !== undefined) {
      skipped.push(undoneBy);
      continue;
    }
    if (hasTemplateText(undo.input)) {
      throw new UndoError(
        'UNDO_UNSAFE_VALUE',
        `step ${step.id} of run ${run.runId} recorded a value holding "\${{"; undo it by hand`,
        { runId: run.runId, stepId: step.id },
      );
    }
    const undoStepId = `${UNDO_STEP_PREFIX}${step.id}`;
    steps.push({
      id: undoStepId,
      name: `Undo ${step.id}`,
      action: undo.action,
      with: undo.input,
      approval,
    });
    reverses.push({ undoStepId, stepId: step.id });
  }
  if (steps.length === 0 && skipped.length > 0) throw alreadyDone(run, skipped, 'every change');
  if (steps.length === 0) {
    throw new UndoError(
      'UNDO_NOTHING_TO_UNDO',
      `run ${run.runId} changed nothing that can be undone`,
      {
        runId: run.runId,
      },
    );
  }

  // The undo acts where the run acted: same region and account (and so the same role).
  const carried = (['region', 'accountId'] as const).filter(
    (k) => typeof run.inputs[k] === 'string',
  );
  const types = { region: 'region', accountId: 'account-id' } as const;
  const inputs = Object.fromEntries(carried.map((k) => [k, { type: types[k] }]));
  const values = Object.fromEntries(carried.map((k) => [k, run.inputs[k]]));
  const name = toUndoRunbookName(run.runId);
  const runbook = runbookSchema.parse({
    name,
    title: `Undo run ${run.runId} of ${run.runbookId}`,
    description: `Generated by firebreak undo: reverses ${reverses.map((r) => r.stepId).join(', ')}.`,
    severity: 'medium',
    inputs,
    ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
    // Never beside another run on the same resource, this run's other undos included.
    lock: options.lock !== undefined && !hasTemplateText(options.lock) ? options.lock : name,
    lockMode: 'refuse',
    phases: { detect: [], contain: [], eradicate: [], recover: steps },
  });
  const request = {
    runbookId: name,
    inputs: values,
    requester: options.requester,
    trigger: { source: 'cli' as const },
    runbook,
  };
  return { runbook, request, reverses };
}
