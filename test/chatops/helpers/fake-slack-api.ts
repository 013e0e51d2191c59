import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Web API call the fake received. */
export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** The HTTP status the fake answered with. */
  readonly status: number;
}

function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json'))
    return JSON.parse(body || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    try {
      args[key] = ['blocks', 'view'].includes(key) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A fake Slack Web API on 127.0.0.1: records every call, answers like Slack, and can answer
 * the next call of a method with 429 and a Retry-After (seconds).
 */
export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** Members returned by usergroups.list. */
  userGroups: Array<{ id: string; handle: string; users: string[] }> = [];
  private readonly rateLimits = new Map<string, number[]>();
  private server: Server | undefined;
  private nextTs = 1_700_000_000_000_100;

  /** The base URL to give WebClient as `slackApiUrl`. */
  url = '';
  /** What `apps.connections.open` answers (Socket Mode's WebSocket URL). */
  socketModeUrl = '';
  /** When set, `auth.test` fails with this error (a revoked or mistyped token). */
  authError: string | undefined;
  /** When set, `apps.connections.open` fails with this error (a bad app-level token). */
  connectionsOpenError: string | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void (async () => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const method = path.replace(/^\/(api\/)?/, '');
        const args = parseArgs(await readBody(req), req.headers['content-type']);
        const limited = this.rateLimits.get(method)?.shift();
        if (limited !== undefined) {
          this.calls.push({ method, args, status: 429 });
          res.writeHead(429, {
            'Retry-After': String(limited),
            'Content-Type': 'application/json',
          });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        this.calls.push({ method, args, status: 200 });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(this.answer(method, args)));
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/api/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** Answers the next call of `method` with 429 and `Retry-After: retryAfterS`. */
  rateLimitNext(method: string, retryAfterS: number): void {
    this.rateLimits.set(method, [...(this.rateLimits.get(method) ?? []), retryAfterS]);
  }

  /** Calls of one method that Slack accepted. */
  accepted(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  /** A `response_url` on this fake; what is posted to it is recorded as method `response/<id>`. */
  responseUrl(id: string): string {
    return this.url.replace(/\/api\/$/, `/response/${id}`);
  }

  /** Answers posted to {@link responseUrl}`(id)`. */
  responses(id: string): RecordedCall[] {
    return this.accepted(`response/${id}`);
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    if (method.startsWith('response/')) return { ok: true };
    switch (method) {
      case 'apps.connections.open':
        if (this.connectionsOpenError) return { ok: false, error: this.connectionsOpenError };
        return { ok: true, url: this.socketModeUrl };
      case 'auth.test':
        if (this.authError) return { ok: false, error: this.authError };
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T111', user: 'firebreak' };
      case 'chat.postMessage': {
        const ts = `${String(this.nextTs++).slice(0, 10)}.${String(this.nextTs).slice(10)}`;
        return { ok: true, channel: args['channel'], ts, message: { text: args['text'] } };
      }
      case 'chat.update':
        return { ok: true, channel: args['channel'], ts: args['ts'] };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: '1.2' };
      case 'views.open':
        return { ok: true, view: { id: 'V1' } };
      case 'usergroups.list':
        return { ok: true, usergroups: this.userGroups };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
