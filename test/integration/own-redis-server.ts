import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Whether redis-server can be started here. With REDIS_URL pointing at a Redis elsewhere (a CI
 * service container), the binary may be missing: tests that need a server of their own skip.
 */
export const CAN_START_REDIS_SERVER = spawnSync('redis-server', ['--version']).error === undefined;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** Resolves once the redis-server on `port` answers PING. */
export async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/**
 * A redis-server of a test's own: temporary folder, AOF on (fsync on every write, so a restart
 * keeps everything acknowledged), its own loopback port. It can be stopped and started again.
 */
export class OwnRedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly extraArgs: readonly string[],
  ) {}

  /** Starts a server; `extraArgs` go to redis-server as they are (e.g. a maxmemory-policy). */
  static async start(extraArgs: readonly string[] = []): Promise<OwnRedisServer> {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-aof-redis-'));
    const server = new OwnRedisServer(await freePort(), dir, extraArgs);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops the server (SIGTERM: it flushes the AOF) and starts it again on the same data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops the server and deletes its folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
    ];
    const aof = ['--appendonly', 'yes', '--appendfsync', 'always', '--hz', '100'];
    this.child = spawn('redis-server', [...args, ...aof, ...this.extraArgs], { stdio: 'ignore' });
    await waitForPing(this.port);
  }
}
