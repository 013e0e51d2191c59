import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RefusalAudit } from '../audit/index.js';
import { describeError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import { BodyTooLargeError, readRawBody } from './read-raw-body.js';
import { createOriginOf } from './request-origin.js';
import type { OriginOf } from './request-origin.js';

/** An SNS delivery as the server hands it on (the shape of the triggers' SNS handler). */
export interface SnsRouteRequest {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The client's address (see {@link OriginOf}), for the records of refusals. */
  readonly remoteAddress?: string;
  /** The trusted proxy the request came through, if any. */
  readonly proxyAddress?: string;
}

/** Serves `POST /sns`; the triggers' `createSnsDeliveryHandler` fits. */
export type SnsRouteHandler = (
  request: SnsRouteRequest,
) => Promise<{ readonly status: number; readonly outcome?: string }>;

/** Options for {@link createSnsHttpRoute}. */
export interface SnsHttpRouteOptions {
  /** Omit and every request is answered 503. */
  readonly handler: SnsRouteHandler | undefined;
  /** Hard cap on the body, in bytes; the handler applies its own limit below it. */
  readonly maxBytes: number;
  /** Where refusals are audited (counted, past a limit per minute). */
  readonly refusals: RefusalAudit;
  readonly logger: Logger;
  /** Tells the client's address; default the peer's. */
  readonly originOf?: OriginOf;
}

/** Why a delivery never reached the handler. */
class RouteRefusal extends Error {
  constructor(
    readonly status: 413 | 415 | 503,
    readonly code: 'SNS_TOO_LARGE' | 'SNS_MALFORMED' | 'SNS_NOT_CONFIGURED',
    message: string,
  ) {
    super(message);
  }
}

function toHeaderRecord(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Reads the raw body; SNS never compresses, so an encoded body is refused, not inflated. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    req.resume();
    throw new RouteRefusal(415, 'SNS_MALFORMED', `content encoding "${encoding}" is not accepted`);
  }
  try {
    return await readRawBody(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new RouteRefusal(413, 'SNS_TOO_LARGE', error.message);
    }
    throw error;
  }
}

function answer(res: ServerResponse, status: number, text: string, close = false): void {
  const headers: Record<string, string | number> = {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  };
  // The rest of a refused body is not read; the connection cannot be reused.
  if (close) headers['connection'] = 'close';
  res.writeHead(status, headers).end(text);
}

/**
 * `POST /sns` on plain `node:http`, outside Express: SNS deliveries are the hot path during an
 * alarm storm and need no routing, parsing or middleware beyond a bounded raw body. Bodies
 * over the limit (413) or with a content encoding (415) are refused before the handler sees
 * them, and audited like the handler's own refusals.
 */
export function createSnsHttpRoute(
  options: SnsHttpRouteOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { handler, refusals, logger } = options;
  const originOf = options.originOf ?? createOriginOf(undefined);
  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    refusal: RouteRefusal,
    text = `${refusal.code}\n`,
  ) => {
    const { status, code } = refusal;
    const origin = originOf(req);
    logger.warn('sns delivery refused', { code, reason: refusal.message, ...origin });
    const data = { code, status, detail: refusal.message, ...origin };
    refusals.record({ type: 'trigger.refused', actor: 'sns', data }).catch((error: unknown) => {
      logger.error('audit of an sns refusal failed', { error: describeError(error) });
    });
    answer(res, status, text, true);
  };

  return async (req, res) => {
    if (!handler) {
      const detail = 'SNS intake is not configured (FIREBREAK_SNS_TOPIC_ARNS is empty)';
      const refusal = new RouteRefusal(503, 'SNS_NOT_CONFIGURED', detail);
      return refuse(req, res, refusal, 'SNS intake is not configured\n');
    }
    let body: Buffer;
    try {
      body = await readBody(req, options.maxBytes);
    } catch (error) {
      if (error instanceof RouteRefusal) return refuse(req, res, error);
      logger.warn('sns request body not read', { error: describeError(error) });
      return answer(res, 400, 'SNS_MALFORMED\n', true);
    }
    try {
      const result = await handler({ body, headers: toHeaderRecord(req), ...originOf(req) });
      answer(res, result.status, `${result.outcome ?? result.status}\n`);
    } catch (error) {
      logger.error('sns delivery failed', { error: describeError(error) });
      answer(res, 500, 'error\n');
    }
  };
}
