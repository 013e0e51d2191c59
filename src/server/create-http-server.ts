import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Application, NextFunction, Request, Response } from 'express';
import type { AuditSink } from '../audit/index.js';
import { DEFAULT_SLACK_EVENTS_PATH } from '../chatops/index.js';
import { describeError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import type { ServerMetrics } from './server-metrics.js';
import { createSlackRequestGuard } from './slack-request-guard.js';

/** Default hard cap on an SNS request body, in bytes; the SNS handler applies its own limit below it. */
export const DEFAULT_SNS_MAX_REQUEST_BYTES = 1024 * 1024;

/** An SNS delivery as the server hands it on (the shape of the triggers' SNS handler). */
export interface SnsRouteRequest {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** Serves `POST /sns`; the triggers' `createSnsDeliveryHandler` fits. */
export type SnsRouteHandler = (
  request: SnsRouteRequest,
) => Promise<{ readonly status: number; readonly outcome?: string }>;

/** Options for {@link createHttpServer}. */
export interface HttpServerOptions {
  readonly logger: Logger;
  readonly audit: AuditSink;
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
}

/** The HTTP server of `firebreak serve`. */
export interface HttpServer {
  /** The Express app, for Bolt's receiver to mount on (after the guard, which is in place). */
  readonly app: Application;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const KNOWN_ROUTES = new Set(['/sns', '/healthz', '/metrics']);

function toHeaderRecord(req: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Builds the HTTP server `firebreak serve` runs: the Slack path (signature guard here, Bolt's
 * receiver mounted by the caller), `POST /sns` with a raw text body and a size limit,
 * `GET /healthz`, and Prometheus `GET /metrics`.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger, metrics } = options;
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

  if (options.slack) {
    const { signingSecret, now, maxBodyBytes } = options.slack;
    const guard = createSlackRequestGuard({
      signingSecret,
      now: now ?? Date.now,
      audit: options.audit,
      logger,
      metrics,
      maxBodyBytes,
    });
    app.post(slackPath, guard);
  }

  // SNS sends text/plain; read any type as raw bytes so the signature covers what arrived.
  const snsLimit = options.snsMaxRequestBytes ?? DEFAULT_SNS_MAX_REQUEST_BYTES;
  // SNS never compresses: refuse encoded bodies instead of inflating them (inflate: false).
  const snsBody = express.raw({ type: () => true, limit: snsLimit, inflate: false });
  app.post('/sns', snsBody, async (req, res) => {
    if (!options.sns) {
      res.status(503).type('text/plain').send('SNS intake is not configured\n');
      return;
    }
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await options.sns({ body, headers: toHeaderRecord(req) });
      res
        .status(answer.status)
        .type('text/plain')
        .send(`${answer.outcome ?? answer.status}\n`);
    } catch (error) {
      logger.error('sns delivery failed', { error: describeError(error) });
      res.status(500).type('text/plain').send('error\n');
    }
  });

  // Bodies refused before the SNS handler sees them (too large, encoded) are answered and
  // audited like the handler's own refusals.
  app.use('/sns', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status === undefined || status < 400 || status >= 500) return next(error);
    const code = status === 413 ? 'SNS_TOO_LARGE' : 'SNS_MALFORMED';
    const detail = describeError(error);
    void options.audit
      .append({ type: 'trigger.refused', actor: 'sns', data: { code, status, detail } })
      .catch((auditError: unknown) =>
        logger.error('audit of an sns refusal failed', { error: describeError(auditError) }),
      );
    res.status(status).type('text/plain').send(`${code}\n`);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...options.health?.() });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  let server: Server | undefined;
  return {
    app,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const created = createServer(app);
        server = created;
        created.once('error', reject);
        created.listen(port, host, () => resolve((created.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
