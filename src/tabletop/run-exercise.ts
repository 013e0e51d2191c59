import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ActionRegistry, coreActions } from '../actions/index.js';
import { awsActions } from '../actions/aws/index.js';
import type { AuditRecord, AuditSink } from '../audit/index.js';
import { MemoryAuditLog } from '../audit/index.js';
import { createAwsClients, SimulatedAccount } from '../aws/index.js';
import type { RunState } from '../engine/index.js';
import { InProcessDriver } from '../queue/index.js';
import {
  compileExpression,
  parseYamlWithPositions,
  problemsFromIssues,
  loadValidatedCatalog,
  RunbookInvalidError,
} from '../runbook/index.js';
import {
  createSequentialIds,
  createSilentLogger,
  describeError,
  FirebreakError,
  parseDurationMs,
  VirtualClock,
} from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import {
  createSnsIntake,
  MemoryDedupeStore,
  parseSnsEnvelope,
  parseTriggerMessage,
} from '../triggers/index.js';
import type { SnsIntake } from '../triggers/index.js';
import { exerciseSchema } from './exercise-schema.js';
import type { Exercise, ExerciseInject } from './exercise-schema.js';

/** One expectation's outcome. */
export interface ExpectationResult {
  readonly name: string;
  readonly that: string;
  readonly passed: boolean;
  /** Why it failed, when it could not be evaluated. */
  readonly error?: string;
}

/** What an exercise did and whether it went as expected. */
export interface ExerciseReport {
  readonly exercise: string;
  readonly title: string;
  /** Always true: exercises act only on the simulated account. */
  readonly simulated: true;
  readonly startTime: string;
  readonly audit: readonly AuditRecord[];
  readonly runs: readonly RunState[];
  readonly account: unknown;
  readonly expectations: readonly ExpectationResult[];
  readonly passed: boolean;
}

/** Options for {@link runExercise}. */
export interface RunExerciseOptions {
  /** Where audit records also go (the CLI passes the JSON Lines log); always kept in memory. */
  audit?: AuditSink;
  logger?: Logger;
  /**
   * Run ids are this prefix and a sequence number (`<prefix>-000001`). Default `run`; the CLI
   * gives each exercise its own, as its runs go to a log that other runs write too.
   */
  runIdPrefix?: string;
}

/** Reads and checks an exercise file; problems carry file:line:column. */
export function loadExercise(file: string): Exercise {
  const { data, source, problems } = parseYamlWithPositions(file, readFileSync(file, 'utf8'));
  if (problems.length > 0) throw new RunbookInvalidError(problems);
  const result = exerciseSchema.safeParse(data);
  if (!result.success)
    throw new RunbookInvalidError(problemsFromIssues(source, result.error.issues));
  for (const [index, expectation] of result.data.expect.entries()) {
    try {
      compileExpression(expectation.that);
    } catch (error) {
      const at = source.positionOf(['expect', index, 'that']);
      throw new RunbookInvalidError([
        { ...at, severity: 'error', message: (error as Error).message },
      ]);
    }
  }
  return result.data;
}

/** Tees audit entries into memory (for the report) and an optional outer sink. */
function teeAudit(memory: MemoryAuditLog, outer: AuditSink | undefined): AuditSink {
  return {
    async append(entry) {
      if (outer) await outer.append(entry);
      return memory.append(entry);
    },
  };
}

/**
 * Replays an exercise on a virtual clock against a fresh simulated account: each inject at its
 * offset, timers (approval deadlines) firing as time passes, then checks the expectations.
 */
export async function runExercise(
  file: string,
  options: RunExerciseOptions = {},
): Promise<ExerciseReport> {
  const exercise = loadExercise(file);
  const base = dirname(resolve(file));
  const startMs = Date.parse(exercise.startTime);
  const clock = new VirtualClock(startMs);
  const memory = new MemoryAuditLog(clock, true);
  const audit = teeAudit(memory, options.audit);
  const account = new SimulatedAccount(exercise.account, { clock });
  const aws = createAwsClients({ region: account.region, simulatedAccount: account });
  const actions = new ActionRegistry([...coreActions, ...awsActions]);
  const runbookPaths = exercise.runbooks.map((p) => resolve(base, p));
  const catalog = loadValidatedCatalog(runbookPaths, { actions });
  const logger = options.logger ?? createSilentLogger();
  const createRunId = createSequentialIds(options.runIdPrefix ?? 'run');
  const driver = new InProcessDriver({ catalog, actions, aws, audit, clock, logger, createRunId });
  // SNS injects go through the intake behind the live /sns endpoint, on the exercise's clock:
  // a repeated MessageId is dropped and a repeated incident is a note on its first run.
  const intake = createSnsIntake({
    runbooks: catalog.list(),
    startRun: (request) => driver.startRun(request),
    store: new MemoryDedupeStore({ clock }),
    audit,
    clock,
    createRunId,
    logger,
    triggerSource: 'tabletop',
    receivedData: { signature: 'not checked (tabletop inject)' },
  });

  const injects = [...exercise.injects].sort(
    (a, b) => parseDurationMs(a.at) - parseDurationMs(b.at),
  );
  // Timer by timer: the work one starts (a wait ending, a deadline) happens at its own time,
  // before the clock moves on to the next timer or inject.
  const advanceTo = async (targetMs: number) => {
    for (let next = clock.nextTimerAt(); next !== undefined && next <= targetMs;) {
      clock.advanceTo(next);
      await driver.idle();
      next = clock.nextTimerAt();
    }
    clock.advanceTo(targetMs);
    await driver.idle();
  };
  for (const inject of injects) {
    await advanceTo(startMs + parseDurationMs(inject.at));
    await applyInject(inject, { exercise, base, driver, intake });
    await driver.idle();
  }
  await advanceTo(clock.now() + parseDurationMs(exercise.runFor));

  const runs = await driver.listRuns();
  const snapshot = account.snapshot();
  const facts = { account: snapshot, runs, audit: memory.records };
  const expectations = await Promise.all(exercise.expect.map((e) => checkExpectation(e, facts)));
  return {
    exercise: exercise.name,
    title: exercise.title,
    simulated: true,
    startTime: exercise.startTime,
    audit: memory.records,
    runs,
    account: snapshot,
    expectations,
    passed: expectations.every((e) => e.passed),
  };
}

async function checkExpectation(
  expectation: { name: string; that: string },
  facts: unknown,
): Promise<ExpectationResult> {
  try {
    const value = await compileExpression(expectation.that).evaluate(facts);
    return { ...expectation, passed: value === true };
  } catch (error) {
    return { ...expectation, passed: false, error: (error as Error).message };
  }
}

interface InjectContext {
  exercise: Exercise;
  base: string;
  driver: InProcessDriver;
  intake: SnsIntake;
}

async function applyInject(inject: ExerciseInject, context: InjectContext): Promise<void> {
  if (inject.sns !== undefined) {
    return deliverSns(resolve(context.base, inject.sns), inject.at, context);
  }
  if (inject.run) {
    await context.driver.startRun({
      runbookId: inject.run.runbook,
      inputs: inject.run.inputs,
      requester: inject.run.by,
      trigger: { source: 'tabletop' },
    });
    return;
  }
  const decision = inject.approve ? 'approve' : 'deny';
  const detail = inject.approve ?? inject.deny;
  if (!detail) return;
  const runs = await context.driver.listRuns();
  const run = runs.filter((r) => !detail.runbook || r.runbookId === detail.runbook).at(-1);
  if (!run) {
    throw new FirebreakError('EXERCISE_NO_RUN', `inject at ${inject.at}: no run to ${decision}`);
  }
  await context.driver.decide({
    runId: run.runId,
    stepId: detail.step,
    by: detail.by,
    roles: context.exercise.responders[detail.by] ?? [],
    decision,
    reason: detail.reason,
  });
}

/** Signature fields an inject's envelope may leave out: injects are not signature-checked. */
const UNSIGNED_INJECT = {
  SignatureVersion: '1',
  Signature: 'EXERCISE-UNSIGNED',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/tabletop-unsigned.pem',
};

/**
 * What an `sns` inject file delivers: an SNS envelope (its signature fields may be left out),
 * or the message alone (a CloudWatch alarm, an EventBridge finding, plain text), which is
 * delivered as from an unnamed topic with a message id made from the file.
 */
function readInjectMessage(path: string, at: string) {
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (typeof fields['Type'] !== 'string' || typeof fields['Message'] !== 'string') {
    const digest = createHash('sha256').update(path).update(text).digest('hex');
    const messageId = `tabletop-${digest.slice(0, 16)}`;
    return { MessageId: messageId, TopicArn: undefined, Message: text, Subject: undefined };
  }
  try {
    return parseSnsEnvelope({ ...UNSIGNED_INJECT, ...fields });
  } catch (error) {
    throw new FirebreakError(
      'EXERCISE_INJECT_INVALID',
      `inject at ${at}: ${path}: ${describeError(error)}`,
    );
  }
}

async function deliverSns(path: string, at: string, context: InjectContext): Promise<void> {
  const envelope = readInjectMessage(path, at);
  await context.intake.onNotification(
    envelope,
    parseTriggerMessage(envelope.Message, envelope.Subject),
  );
}
