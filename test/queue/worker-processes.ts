import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTRY = join(import.meta.dirname, 'fixtures', 'worker-entry.ts');

/** Options for {@link spawnWorker}. */
export interface WorkerProcessOptions {
  redisUrl: string;
  prefix: string;
  runbooks: readonly string[];
  /** Crash points, `point:stepId`, each taken once across all workers. */
  crash?: readonly string[];
  concurrency?: number;
}

/** A worker process and a promise of its exit signal or code. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

/** Writes the runbooks to a file the workers read. */
export function writeRunbooks(runbooks: readonly string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'firebreak-runbooks-')), 'runbooks.json');
  writeFileSync(file, JSON.stringify(runbooks));
  return file;
}

/** Starts a worker process (node with tsx) and resolves once it takes jobs. */
export async function spawnWorker(
  options: WorkerProcessOptions,
  runbooksFile: string,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      REDIS_URL: options.redisUrl,
      FB_PREFIX: options.prefix,
      FB_RUNBOOKS: runbooksFile,
      FB_CRASH: (options.crash ?? []).join(','),
      FB_CONCURRENCY: String(options.concurrency ?? 4),
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    void exited.then((how) =>
      reject(new Error(`worker exited before it was ready (${String(how)})`)),
    );
  });
  return { child, exited };
}

/** Keeps `count` workers alive, replacing each one that dies, until stopped. */
export class WorkerPool {
  private readonly workers = new Set<WorkerProcess>();
  private stopped = false;
  /** How many workers died by SIGKILL. */
  killed = 0;

  constructor(
    private readonly options: WorkerProcessOptions,
    private readonly runbooksFile: string,
  ) {}

  async start(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.add()));
  }

  /** Sends SIGTERM to every worker and waits for them to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.workers];
    for (const worker of all) worker.child.kill('SIGTERM');
    await Promise.all(all.map((w) => w.exited));
  }

  private async add(): Promise<void> {
    const worker = await spawnWorker(this.options, this.runbooksFile);
    this.workers.add(worker);
    void worker.exited.then((how) => {
      this.workers.delete(worker);
      if (how === 'SIGKILL') this.killed++;
      if (!this.stopped) void this.add();
    });
  }
}
