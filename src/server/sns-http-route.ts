import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditSink } from '../audit/index.js';
import { describeError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';

/** An SNS delivery as the server hands it on (the shape of the triggers' SNS handler). */
export interface SnsRouteRequest {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
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
  readonly audit: AuditSink;
  readonly logger: Logger;
}

/** Why a body never reached the handler. */
class BodyRefusal extends Error {
  constructor(
    readonly status: 413 | 415,
    readonly code: 'SNS_TOO_LARGE' | 'SNS_MALFORMED',
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

/** Reads the body as raw bytes, so the signature covers exactly what arrived. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  // SNS never compresses: refuse encoded bodies instead of inflating them.
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    const message = `content encoding "${encoding}" is not accepted`;
    return Promise.reject(new BodyRefusal(415, 'SNS_MALFORMED', message));
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    const message = `declared body of ${declared} bytes is over the ${maxBytes} byte limit`;
    return Promise.reject(new BodyRefusal(413, 'SNS_TOO_LARGE', message));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      reject(new BodyRefusal(413, 'SNS_TOO_LARGE', `body is over the ${maxBytes} byte limit`));
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.once('error', reject);
  });
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
  const { handler, audit, logger } = options;
  const refuse = (res: ServerResponse, refusal: BodyRefusal): void => {
    const { status, code } = refusal;
    const data = { code, status, detail: refusal.message };
    audit.append({ type: 'trigger.refused', actor: 'sns', data }).catch((error: unknown) => {
      logger.error('audit of an sns refusal failed', { error: describeError(error) });
    });
    answer(res, status, `${code}\n`, true);
  };

  return async (req, res) => {
    if (!handler) {
      const detail = 'SNS intake is not configured (FIREBREAK_SNS_TOPIC_ARNS is empty)';
      logger.warn('sns delivery refused', { code: 'SNS_NOT_CONFIGURED', reason: detail });
      const data = { code: 'SNS_NOT_CONFIGURED', status: 503, detail };
      audit.append({ type: 'trigger.refused', actor: 'sns', data }).catch((error: unknown) => {
        logger.error('audit of an sns refusal failed', { error: describeError(error) });
      });
      return answer(res, 503, 'SNS intake is not configured\n', true);
    }
    let body: Buffer;
    try {
      body = await readBody(req, options.maxBytes);
    } catch (error) {
      if (error instanceof BodyRefusal) return refuse(res, error);
      logger.warn('sns request body not read', { error: describeError(error) });
      return answer(res, 400, 'SNS_MALFORMED\n', true);
    }
    try {
      const result = await handler({ body, headers: toHeaderRecord(req) });
      answer(res, result.status, `${result.outcome ?? result.status}\n`);
    } catch (error) {
      logger.error('sns delivery failed', { error: describeError(error) });
      answer(res, 500, 'error\n');
    }
  };
}
