import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FileAuditLog } from '../../audit/index.js';
import type { Config } from '../../config/index.js';
import { createSystemClock, FirebreakError } from '../../shared/index.js';
import { formatReport, runExercise } from '../../tabletop/index.js';
import type { CliIo } from '../cli-io.js';

/** An exercise file, or the name of one in `exercises/` (`ec2-crypto-mining`). */
function resolveExercise(given: string): string {
  if (existsSync(given)) return given;
  const named = join('exercises', `${given}.yaml`);
  if (!given.includes('/') && existsSync(named)) return named;
  const known = existsSync('exercises')
    ? readdirSync('exercises')
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.replace(/\.yaml$/, ''))
    : [];
  throw new FirebreakError(
    'EXERCISE_NOT_FOUND',
    `no exercise file ${given}; give a path or a name from exercises/ ` +
      `(${known.join(', ') || 'none there'})`,
  );
}

/** `firebreak tabletop <exercise.yaml> [--json]` */
export function registerTabletopCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('tabletop')
    .description('replay a tabletop exercise against a simulated account on a virtual clock')
    .argument('<exercise>', 'exercise YAML file')
    .option('--json', 'print the report as JSON')
    .option('--audit-log <file>', 'audit log to append to', config.auditLogPath)
    .action(async (file: string, options: { json?: boolean; auditLog: string }) => {
      const audit = new FileAuditLog({
        path: options.auditLog,
        clock: createSystemClock(),
        simulated: true,
      });
      file = resolveExercise(file);
      // Its own run ids: the log holds other exercises' and in-process CLI runs too.
      const runIdPrefix = `tabletop-${randomBytes(3).toString('hex')}`;
      const report = await runExercise(file, { audit, runIdPrefix });
      if (options.json) {
        io.out(JSON.stringify({ ...report, auditLog: options.auditLog }, null, 2));
      } else {
        io.out(formatReport(report));
        io.out(
          `\nAudit log: ${options.auditLog} (check it with: firebreak audit verify ${options.auditLog})`,
        );
      }
      if (!report.passed) io.exitCode(1);
    });
}
