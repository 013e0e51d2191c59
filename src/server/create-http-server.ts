import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Application } from 'express';
import { RefusalAudit } from '../audit/index.js';
import type { AuditSink } from '../audit/index.js';
import { DEFAULT_SLACK_EVENTS_PATH } from '../chatops/index.js';
import { ENV_TRUSTED_PROXIES } from '../config/index.js';
import { createSystemClock, describeError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import type { ServerMetrics } from './server-metrics.js';
import { createSlackRequestGuard } from './slack-request-guard.js';
import { createSnsHttpRoute } from './sns-http-route.js';
import { createOriginOf, parseTrustedProxies } from './request-origin.js';
import type { SnsRouteHandler } from './sns-http-route.js';

/** Default hard cap on an SNS request body, in bytes; the SNS handler applies its own limit below it. */
export const DEFAULT_SNS_MAX_REQUEST_BYTES = 1024 * 1024;

/** Options for {@link createHttpServer}. */
export interface HttpServerOptions {
  readonly logger: Logger;
  readonly audit: AuditSink;
  /**
   * Audits refusals of unproven requests (Slack signatures, SNS bodies), counting them past a
   * limit per minute; shared with the SNS handler's own. Default: one of its own on `audit`.
   */
  readonly refusals?: RefusalAudit;
  readonly metrics: ServerMetrics;
  /** Verifies requests on the Slack path; omit when Slack is off or in Socket Mode. */
  readonly slack?: {
    readonly signingSecret: string;
    /** Default `/slack/events`. */
    readonly path?: string;
    /** Time for the five-minute timestamp check, in milliseconds since the epoch. Default Date.now. */
    readonly now?: () => number;
    /** Largest body, in bytes. Default 512 KiB. */
    readonly maxBodyBytes?: number;
  };
  /** Serves `POST /sns`; omit and `/sns` answers 503. */
  readonly sns?: SnsRouteHandler;
  /** Hard cap on SNS request bodies, in bytes. Default 1 MiB. */
  readonly snsMaxRequestBytes?: number;
  /** Extra facts for `/healthz` (Slack mode, queue). */
  readonly health?: () => Record<string, unknown>;
  /**
   * Proxies whose `X-Forwarded-For` names the client in refusal records: addresses or networks
   * (FIREBREAK_TRUSTED_PROXIES). Default none: the peer's address is recorded.
   */
  readonly trustedProxies?: readonly string[];
}

/** The HTTP server of `firebreak serve`. */
export interface HttpServer {
  /** The Express app behind `GET /healthz` and `GET /metrics`. */
  readonly app: Application;
  /** What `listen` serves: `POST /sns` and the Slack path directly, the rest through `app`. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Hands Slack requests that passed the signature guard to `listener` (Bolt's HTTP receiver).
   * Until then they are answered 503.
   */
  mountSlack(listener: (req: IncomingMessage, res: ServerResponse) => void): void;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const KNOWN_ROUTES = new Set(['/sns', '/healthz', '/metrics']);

/**
 * The path a request is routed on, matched as Express matches by default: without the query,
 * a trailing slash or case, and from an absolute-form target (`POST http://host/sns`).
 */
function toRoutePath(target: string): string {
  let path = target;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      return '';
    }
  }
  const query = path.indexOf('?');
  if (query !== -1) path = path.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.toLowerCase();
}

/**
 * Builds the HTTP server `firebreak serve` runs: the Slack path (signature guard here, Bolt's
 * receiver mounted by the caller), `POST /sns` with a raw text body and a size limit,
 * `GET /healthz`, and Prometheus `GET /metrics`.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger, metrics } = options;
  const refusals =
    options.refusals ??
    new RefusalAudit({ audit: options.audit, clock: createSystemClock(), logger });
  const proxies = options.trustedProxies ?? [];
  const originOf = createOriginOf(
    proxies.length === 0 ? undefined : parseTrustedProxies(proxies, ENV_TRUSTED_PROXIES),
  );
  const app = express();
  const slackPath = options.slack?.path ?? DEFAULT_SLACK_EVENTS_PATH;
  app.disable('x-powered-by');

  // Every request: time it, labelled by route (unknown paths share one label).
  app.use((req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.path === slackPath || KNOWN_ROUTES.has(req.path) ? req.path : 'other';
      const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      metrics.observeRequest(route, res.statusCode, durationMs);
    });
    next();
  });

  // Slack requests skip Express too: every one is checked here, then handed to Bolt.
  let slackListener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const slackGuard =
    options.slack &&
    createSlackRequestGuard({
      signingSecret: options.slack.signingSecret,
      now: options.slack.now ?? Date.now,
      refusals,
      logger,
      metrics,
      maxBodyBytes: options.slack.maxBodyBytes,
      originOf,
    });
  const toSlack = (req: IncomingMessage, res: ServerResponse): void => {
    if (slackListener) return slackListener(req, res);
    res.writeHead(503, { 'content-type': 'text/plain' }).end('Slack is not ready\n');
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...options.health?.() });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // SNS deliveries skip Express: the alarm-storm path needs only a bounded raw body.
  const sns = createSnsHttpRoute({
    handler: options.sns,
    maxBytes: options.snsMaxRequestBytes ?? DEFAULT_SNS_MAX_REQUEST_BYTES,
    refusals,
    logger,
    originOf,
  });
  const timed = (route: string, res: ServerResponse): void => {
    const startedAt = process.hrtime.bigint();
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      metrics.observeRequest(route, res.statusCode, durationMs);
    });
  };
  const failed = (res: ServerResponse) => (error: unknown) => {
    logger.error('request failed', { error: describeError(error) });
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end();
  };
  const slackRoute = slackPath.toLowerCase();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') return void app(req, res);
    const path = toRoutePath(req.url ?? '');
    if (path === '/sns') {
      timed('/sns', res);
      return void sns(req, res).catch(failed(res));
    }
    if (slackGuard && path === slackRoute) {
      timed(slackPath, res);
      // Bolt's receiver matches its endpoint exactly.
      req.url = slackPath;
      return void slackGuard(req, res, () => toSlack(req, res)).catch(failed(res));
    }
    app(req, res);
  };

  let server: Server | undefined;
  return {
    app,
    handle,
    mountSlack: (listener) => {
      slackListener = listener;
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const created = createServer(handle);
        server = created;
        created.once('error', reject);
        created.listen(port, host, () => resolve((created.address() as AddressInfo).port));
      }),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      // The counts of refusals not yet recorded one by one.
      await refusals.flush().catch((error: unknown) => {
        logger.error('counts of refusals not audited at shutdown', { error: describeError(error) });
      });
    },
  };
}
