import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { isFinished } from '../../engine/index.js';
import type { RunState } from '../../engine/index.js';
import type { CliIo } from '../cli-io.js';
import { createDurableRuntime } from './durable-runtime.js';

interface RunsOptions {
  active?: boolean;
  limit: string;
}

/** One line per run: id, runbook, status, the step in hand, start time and requester. */
export function formatRunLine(run: RunState, waitsForLock?: string): string {
  const step = run.steps[run.cursor];
  const where =
    isFinished(run) || !step
      ? '-'
      : waitsForLock !== undefined
        ? `waits-for-lock:${waitsForLock}`
        : `${step.phase}/${step.id}`;
  const started = new Date(run.startedAtMs).toISOString();
  const simulated = run.simulated ? '  (simulated)' : '';
  return `${run.runId}  ${run.runbookId}  ${run.status}  ${where}  ${started}  ${run.requester}${simulated}`;
}

/** `firebreak runs [--active] [--limit N]`: the newest runs on Redis, oldest first. */
export function registerRunsCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('runs')
    .description('list runs on the durable queue (needs REDIS_URL)')
    .option('--active', 'only runs in flight')
    .option('--limit <n>', 'newest runs to show', '50')
    .action(async (options: RunsOptions) => {
      const runtime = await createDurableRuntime(config, 'firebreak runs');
      try {
        const all = await runtime.bullmq.listRuns();
        const chosen = options.active ? all.filter((r) => !isFinished(r)) : all;
        const runs = chosen.slice(-Number(options.limit));
        if (runs.length === 0) io.out(options.active ? 'no runs in flight' : 'no runs');
        for (const run of runs) {
          // A run queued behind its lock has not started its first step yet.
          const stored = isFinished(run) ? undefined : await runtime.bullmq.getStoredRun(run.runId);
          io.out(formatRunLine(run, stored?.waiting ? stored.lock : undefined));
        }
      } finally {
        await runtime.close();
      }
    });
}
