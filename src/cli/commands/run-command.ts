import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { sleepMs } from '../../aws/index.js';
import { isFinished } from '../../engine/index.js';
import type { RunState } from '../../engine/index.js';
import { createRuntime } from '../../main.js';
import type { Runtime } from '../../main.js';
import type { BullmqDriver } from '../../queue/index.js';
import type { RunbookDocument } from '../../runbook/index.js';
import { FirebreakError } from '../../shared/index.js';
import type { CliIo } from '../cli-io.js';
import { formatRun, parseKeyValues } from '../format-run.js';

interface RunOptions {
  as: string;
  approveAs?: string;
  wait?: boolean;
}

/** Approvals `--approve-as` gives one step before it stops: a plan that never holds still. */
const MAX_APPROVALS_OF_ONE_STEP = 3;

/** Time past a timer's due time before the in-process run is looked at again, in ms. */
const TIMER_SLACK_MS = 20;

/** When the step in hand of an in-process run is due again: a `wait` ends, a retry starts. */
function timerOf(run: RunState): number | undefined {
  const step = run.steps[run.cursor];
  return step?.status === 'running' ? (step.waitUntilMs ?? step.retryAtMs) : undefined;
}

/** Resolves with the run once it has finished, saying once when it waits for a person. */
function waitForFinish(driver: BullmqDriver, runId: string, io: CliIo): Promise<RunState> {
  const told = new Set<string>();
  return new Promise((resolve) => {
    const check = (run: RunState) => {
      if (run.runId !== runId) return;
      const waiting = run.steps.find((s) => s.status === 'awaiting_approval');
      if (waiting && !told.has(waiting.id)) {
        told.add(waiting.id);
        io.out(
          `${runId} waits for approval of ${waiting.id}: firebreak approve ${runId} ${waiting.id} --as <user>`,
        );
      }
      if (!isFinished(run)) return;
      stop();
      resolve(run);
    };
    const stop = driver.onChange(check);
    void driver.subscribed().then(async () => {
      const run = await driver.getRun(runId);
      if (run) check(run);
    });
  });
}

/** With REDIS_URL: the run is queued for workers; `--wait` follows it to the end. */
async function followDurableRun(driver: BullmqDriver, started: RunState, wait: boolean, io: CliIo) {
  const stored = await driver.getStoredRun(started.runId);
  if (stored?.waiting) io.out(`${started.runId} waits for the lock on "${stored.lock}"`);
  if ((await driver.queue.getWorkersCount()) === 0) {
    io.err(
      `no firebreak worker is connected to this Redis: ` +
        `${started.runId} waits until one starts (firebreak worker)`,
    );
  }
  if (!wait) {
    io.out(`queued on Redis; follow it with: firebreak status ${started.runId}`);
    return;
  }
  const run = await waitForFinish(driver, started.runId, io);
  io.out(formatRun(run));
  if (run.status !== 'succeeded') io.exitCode(1);
}

/**
 * The runbook's `permissions.run` roles apply on the CLI as in Slack: `--as` names who asks,
 * and a user holding none of those roles is refused and audited.
 */
export async function checkMayRun(
  runtime: Runtime,
  runbook: RunbookDocument,
  user: string,
  what = `run ${runbook.name}`,
): Promise<void> {
  const allowed = runbook.permissions?.run ?? [];
  const held = runtime.roles.rolesOf(user);
  if (allowed.length === 0 || held.some((role) => allowed.includes(role))) return;
  const reason = `${user} holds none of the roles that may ${what}: ${allowed.join(', ')}`;
  await runtime.audit.append({
    type: 'request.refused',
    actor: user,
    data: { code: 'RUN_NOT_PERMITTED', runbook: runbook.name, source: 'cli', reason },
  });
  throw new FirebreakError(
    'RUN_NOT_PERMITTED',
    `${reason}. Pass --as with a user of config/roles.yaml that holds one of them.`,
  );
}

/** Refuses an `--approve-as` user who could approve none of the runbook's approvals. */
function checkApprover(
  runtime: Runtime,
  runbook: RunbookDocument,
  approver: string,
  requester: string,
) {
  if (approver === requester) {
    throw new FirebreakError(
      'CLI_OPTION_INVALID',
      `--approve-as ${approver} is also the requester; nobody approves their own run`,
    );
  }
  const steps = Object.values(runbook.phases).flat();
  const asked = steps.flatMap((step) => step.approval?.roles ?? []);
  const roles = new Set([...asked, ...(runbook.permissions?.approve ?? [])]);
  if (roles.size === 0) return;
  if (runtime.roles.rolesOf(approver).some((role) => roles.has(role))) return;
  throw new FirebreakError(
    'CLI_OPTION_INVALID',
    `--approve-as ${approver} holds none of the roles that approve ${runbook.name} ` +
      `(${[...roles].join(', ')}) in ${runtime.config.rolesFile}`,
  );
}

/**
 * `firebreak run RUNBOOK key=value... [--wait]`: with REDIS_URL the run is queued for workers
 * and its id printed; otherwise it runs in this process.
 */
export function registerRunCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('run')
    .description('start a runbook (in this process unless REDIS_URL is set)')
    .argument('<runbook>', 'runbook name')
    .argument('[inputs...]', 'inputs as key=value')
    .option('--as <user>', 'who is asking', userInfo().username)
    .option('--approve-as <user>', 'in-process only: give approvals as this user when asked')
    .option('--wait', 'wait for the run to finish (always so in-process)')
    .action(async (runbookId: string, pairs: string[], options: RunOptions) => {
      const runtime = await createRuntime(config);
      const { driver } = runtime;
      if (!driver.durable) {
        runtime.logger.warn(
          'in-process run: it ends with this command (set REDIS_URL to queue it)',
        );
      }
      if (runtime.bullmq && options.approveAs !== undefined) {
        await runtime.close();
        throw new FirebreakError(
          'CLI_OPTION_INVALID',
          `--approve-as works only in-process; with REDIS_URL a run's approvals are given one ` +
            `by one: firebreak approve RUN STEP --as ${options.approveAs}`,
        );
      }
      try {
        await checkMayRun(runtime, runtime.catalog.get(runbookId), options.as);
        // A mistyped or wrong approver is caught before any step acts, not at the approval.
        if (options.approveAs !== undefined) {
          checkApprover(runtime, runtime.catalog.get(runbookId), options.approveAs, options.as);
        }
      } catch (error) {
        await runtime.close();
        throw error;
      }
      const started = await driver.startRun({
        runbookId,
        inputs: parseKeyValues(pairs),
        requester: options.as,
        trigger: { source: 'cli' },
      });
      io.out(
        `${started.runId} started (${runtime.aws.simulated ? 'SIMULATED account' : 'REAL AWS'})`,
      );
      if (runtime.bullmq) {
        try {
          await followDurableRun(runtime.bullmq, started, options.wait === true, io);
        } finally {
          await runtime.close();
        }
        return;
      }
      await runtime.close();

      const toldUntil = new Set<number>();
      const approvals = new Map<string, number>();
      for (;;) {
        const run = await driver.getRun(started.runId);
        if (!run) throw new FirebreakError('RUN_UNKNOWN', `run ${started.runId} vanished`);
        // A `wait` step or a retry's backoff: this process is the only one to carry it on.
        const dueAtMs = timerOf(run);
        if (!isFinished(run) && dueAtMs !== undefined) {
          if (!toldUntil.has(dueAtMs)) {
            toldUntil.add(dueAtMs);
            io.out(`${run.runId} waits until ${new Date(dueAtMs).toISOString()}`);
          }
          await sleepMs(Math.max(0, dueAtMs - Date.now()) + TIMER_SLACK_MS);
          await runtime.close();
          continue;
        }
        const waiting = run.steps.find((s) => s.status === 'awaiting_approval');
        if (isFinished(run) || !waiting || !options.approveAs) {
          io.out(formatRun(run));
          if (waiting) {
            io.out(
              `\n${run.runId} waits for approval of step ${waiting.id}. In-process runs end with this process: ` +
                `re-run with --approve-as <user>, or set REDIS_URL and use firebreak approve.`,
            );
          }
          if (run.status !== 'succeeded') io.exitCode(1);
          return;
        }
        // A step asks again when its plan changed since it was approved; the same step asking
        // over and over means the plan never holds still: a person should look.
        if ((approvals.get(waiting.id) ?? 0) >= MAX_APPROVALS_OF_ONE_STEP) {
          io.out(formatRun(run));
          io.err(
            `${waiting.id} asked for approval ${MAX_APPROVALS_OF_ONE_STEP + 1} times: its plan ` +
              `changes after every approval (firebreak plan shows it); not approving again`,
          );
          io.exitCode(1);
          return;
        }
        const roles = runtime.roles.rolesOf(options.approveAs);
        const outcome = await driver.decide({
          runId: run.runId,
          stepId: waiting.id,
          by: options.approveAs,
          roles,
          decision: 'approve',
        });
        if (!outcome.accepted) {
          io.err(`approval refused: ${outcome.refusal.message}`);
          io.out(formatRun(run));
          io.out(
            `\n${run.runId} still waits for approval of step ${waiting.id} and ends with this ` +
              `process: re-run with --approve-as <someone else who may approve>, ` +
              `or set REDIS_URL and use firebreak approve.`,
          );
          io.exitCode(1);
          return;
        }
        io.out(`${waiting.id} approved by ${options.approveAs}`);
        approvals.set(waiting.id, (approvals.get(waiting.id) ?? 0) + 1);
        await runtime.close();
      }
    });
}
