import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { verifyChainLines } from '../../audit/index.js';
import type { Config } from '../../config/index.js';
import type { CliIo } from '../cli-io.js';
import { createDurableRuntime } from './durable-runtime.js';

interface ExportOptions {
  out?: string;
}

/** Writes lines to a file, or to the CLI's output when `out` is undefined. */
async function writeLines(
  lines: AsyncIterable<string>,
  out: string | undefined,
  io: CliIo,
): Promise<string[]> {
  const all: string[] = [];
  const file = out === undefined ? undefined : createWriteStream(out, { encoding: 'utf8' });
  for await (const line of lines) {
    all.push(line);
    if (!file) io.out(line);
    else if (!file.write(`${line}\n`)) await once(file, 'drain');
  }
  if (file) {
    file.end();
    await once(file, 'finish');
  }
  return all;
}

async function* fileLines(path: string): AsyncGenerator<string> {
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line.trim() !== '') yield line;
}

/**
 * `firebreak audit export [--out FILE]`: the audit chain as JSON Lines, from Redis when
 * REDIS_URL is set (the shared log of every worker), else from the local file. The chain is
 * verified as it is written; the file then verifies with `firebreak audit verify FILE`.
 */
export function registerAuditExportCommand(program: Command, config: Config, io: CliIo): void {
  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit');
  audit
    .command('export')
    .description(
      'write the audit chain as JSON Lines (from Redis when REDIS_URL is set) and verify it',
    )
    .option('--out <file>', 'where to write (default: standard output)')
    .action(async (options: ExportOptions) => {
      let lines: string[];
      if (config.redisUrl) {
        const runtime = await createDurableRuntime(config, 'firebreak audit export');
        try {
          lines = await writeLines(runtime.bullmq.options.audit.lines(), options.out, io);
        } finally {
          await runtime.close();
        }
      } else {
        lines = await writeLines(fileLines(config.auditLogPath), options.out, io);
      }
      const result = verifyChainLines(lines);
      const where = options.out ?? 'standard output';
      if (result.ok) {
        io.err(`${result.records} records exported to ${where}; chain intact`);
        return;
      }
      io.err(
        `exported to ${where}, but the chain is broken at record ${result.badLine}: ${result.reason}`,
      );
      io.exitCode(1);
    });
}

/**
 * `firebreak audit verify` with REDIS_URL set and no file: checks the shared chain in Redis,
 * where every worker writes, instead of the local file nobody writes to then.
 */
export async function verifyRedisAuditChain(config: Config, io: CliIo): Promise<void> {
  const runtime = await createDurableRuntime(config, 'firebreak audit verify');
  try {
    const audit = runtime.bullmq.options.audit;
    const result = await audit.verify();
    const where = `redis ${audit.streamKey}`;
    if (result.ok) {
      const last = result.lastHash.slice(0, 16);
      // verify() compares the stream with the tail: OK means they agree.
      io.out(
        `${where}: OK, ${result.records} records, chain intact (last hash ${last}…); ` +
          `${audit.tailKey} agrees`,
      );
      return;
    }
    io.err(`${where}:${result.badLine}: audit chain broken: ${result.reason}`);
    io.err(
      `${result.records} records before record ${result.badLine} verify; nothing from it on can be trusted.`,
    );
    io.exitCode(1);
  } finally {
    await runtime.close();
  }
}
