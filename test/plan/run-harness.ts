import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { createAwsClients, SimulatedAccount } from '../../src/aws/index.js';
import type { RunState } from '../../src/engine/index.js';
import { createActionRegistry } from '../../src/main.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { RunbookCatalog } from '../../src/runbook/index.js';
import type { CatalogEntry } from '../../src/runbook/index.js';
import { createSequentialIds, createSilentLogger, VirtualClock } from '../../src/shared/index.js';

/** The instance of the shipped simulated account. */
export const SHIPPED_INSTANCE = 'i-0123456789abcdef0';
export const SHIPPED_ENI = 'eni-0123456789abcdef0';
export const SHIPPED_RUNBOOK = 'ec2-compromised-instance';
export const START_MS = Date.parse('2025-03-01T12:00:00.000Z');

/** Options for {@link createRunHarness}. */
export interface RunHarnessOptions {
  /** The runbooks to serve instead of the shipped ones. */
  runbooks?: readonly CatalogEntry[];
  /** Seed of probabilistic faults; default 1. */
  randomSeed?: number;
}

/**
 * The shipped runbooks on the in-process driver against the shipped simulated account, with a
 * virtual clock and retries that do not sleep.
 */
export function createRunHarness(options: RunHarnessOptions = {}) {
  const clock = new VirtualClock(START_MS);
  const seed = parse(readFileSync('config/simulated-account.yaml', 'utf8')) as never;
  const account = new SimulatedAccount(seed, { clock, randomSeed: options.randomSeed ?? 1 });
  // Retries wait no time; each wait is counted so tests can see that retries happened.
  const waits = { count: 0 };
  const noSleep = async () => {
    waits.count++;
  };
  const aws = createAwsClients({
    region: account.region,
    simulatedAccount: account,
    simulatedRetry: { sleep: noSleep },
  });
  const catalog = options.runbooks
    ? new RunbookCatalog(options.runbooks)
    : RunbookCatalog.load(['runbooks']);
  const actions = createActionRegistry();
  const audit = new MemoryAuditLog(clock);
  const driverOptions = {
    catalog,
    actions,
    aws,
    audit,
    clock,
    logger: createSilentLogger(),
    createRunId: createSequentialIds('run'),
    actionRetry: { sleep: noSleep },
  };
  const driver = new InProcessDriver(driverOptions);

  /** Decides the approval the run waits for, as an IR lead (`by`) who did not ask for the run. */
  async function decideWaiting(
    runId: string,
    decision: 'approve' | 'deny' = 'approve',
    by = 'lead',
  ): Promise<RunState> {
    await driver.idle();
    const run = await driver.getRun(runId);
    const waiting = run?.steps.find((s) => s.status === 'awaiting_approval');
    if (run === undefined || waiting === undefined)
      throw new Error(`run ${runId} waits for nothing`);
    const reason = decision === 'deny' ? { reason: 'not now' } : {};
    await driver.decide({ runId, stepId: waiting.id, by, roles: ['ir-lead'], decision, ...reason });
    await driver.idle();
    return (await driver.getRun(runId)) as RunState;
  }

  /** Approves the step the run waits for, as an IR lead who did not ask for the run. */
  const approveWaiting = (runId: string) => decideWaiting(runId);

  /** Decides every approval (approves, unless told to deny) until the run finishes. */
  async function approveUntilFinished(
    runId: string,
    decision: 'approve' | 'deny' = 'approve',
    by = 'lead',
  ): Promise<RunState> {
    for (let i = 0; i < 20; i++) {
      await driver.idle();
      const run = (await driver.getRun(runId)) as RunState;
      if (run.status !== 'awaiting_approval') return run;
      await decideWaiting(runId, decision, by);
    }
    throw new Error(`run ${runId} keeps asking`);
  }

  return {
    clock,
    account,
    aws,
    catalog,
    actions,
    audit,
    driver,
    waits,
    approveWaiting,
    approveUntilFinished,
  };
}
