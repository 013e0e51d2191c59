import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { createRuntime } from '../../main.js';
import { formatPlan, planRunbook } from '../../plan/index.js';
import type { CliIo } from '../cli-io.js';
import { parseKeyValues } from '../format-run.js';

interface PlanOptions {
  as: string;
  json?: boolean;
}

/**
 * `firebreak plan RUNBOOK key=value...`: what a run would change, step by step, as
 * before -> after from live describe calls, and the plan's hash. Changes nothing.
 */
export function registerPlanCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('plan')
    .description('show the changes a runbook would make, from live state, and their hash')
    .argument('<runbook>', 'runbook name')
    .argument('[inputs...]', 'inputs as key=value')
    .option('--as <user>', 'who is asking (session tags of an assumed role)', userInfo().username)
    .option('--json', 'print the plan as JSON')
    .action(async (runbookId: string, pairs: string[], options: PlanOptions) => {
      const runtime = await createRuntime(config);
      try {
        const plan = await planRunbook({
          runbook: runtime.catalog.get(runbookId),
          inputs: parseKeyValues(pairs),
          actions: runtime.actions,
          aws: runtime.aws,
          clock: runtime.clock,
          logger: runtime.logger,
          requester: options.as,
        });
        io.out(options.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
      } finally {
        await runtime.close();
      }
    });
}
