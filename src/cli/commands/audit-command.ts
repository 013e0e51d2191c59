import type { Command } from 'commander';
import { readWrittenTail, toTailPath, verifyLogFile } from '../../audit/index.js';
import type { LogFileVerification } from '../../audit/index.js';
import type { Config } from '../../config/index.js';
import type { CliIo } from '../cli-io.js';
import { verifyRedisAuditChain } from './audit-export-command.js';

/** `firebreak audit verify [file]` */
export function registerAuditCommand(program: Command, config: Config, io: CliIo): void {
  const audit = program.command('audit').description('check and export the audit log');
  audit
    .command('verify')
    .description('verify the hash chain; names the first bad record and exits 1 when broken')
    .argument(
      '[file]',
      'audit log (JSON Lines); default: the Redis chain with REDIS_URL, else the local log',
    )
    .action(async (given: string | undefined) => {
      if (given === undefined && config.redisUrl) return verifyRedisAuditChain(config, io);
      const file = given ?? config.auditLogPath;
      // The tail first: writers append to the log, then replace the tail.
      const { tail, unreadable } = readWrittenTail(file);
      let result: LogFileVerification;
      try {
        result = verifyLogFile(file, tail);
      } catch (error) {
        io.err(`${file}: cannot read audit log: ${(error as Error).message}`);
        io.exitCode(2);
        return;
      }
      if (unreadable !== undefined) io.err(`warning: ${unreadable}`);
      if (result.ok) {
        const tailNote = tail
          ? `; ${toTailPath(file)} agrees`
          : `; no usable ${toTailPath(file)} beside it, so records cut from the end would not show`;
        io.out(
          `${file}: OK, ${result.records} records, chain intact (last hash ` +
            `${result.lastHash.slice(0, 16)}…)${tailNote}`,
        );
        return;
      }
      io.err(`${file}:${result.badLine}: audit chain broken: ${result.reason}`);
      io.err(
        `${result.records} records before line ${result.badLine} verify; nothing from it on can be trusted.`,
      );
      io.exitCode(1);
    });
}
