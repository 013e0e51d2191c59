import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RefusalAudit } from '../audit/index.js';
import { verifySlackSignature } from '../chatops/index.js';
import type { ChatOpsMetrics } from '../chatops/index.js';
import { describeError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import { BodyTooLargeError, readRawBody } from './read-raw-body.js';
import { createOriginOf } from './request-origin.js';
import type { OriginOf } from './request-origin.js';

/** Default largest Slack request body read, in bytes (Slack's payloads are far smaller). */
export const DEFAULT_SLACK_MAX_BODY_BYTES = 512 * 1024;

/** Options for {@link createSlackRequestGuard}. */
export interface SlackRequestGuardOptions {
  readonly signingSecret: string;
  /** Our time in milliseconds since the epoch (injected so tests can pin it). */
  readonly now: () => number;
  /** Where refusals are audited (counted, past a limit per minute). */
  readonly refusals: RefusalAudit;
  readonly logger: Logger;
  readonly metrics?: Pick<ChatOpsMetrics, 'requestRefused'>;
  /** Largest body read, in bytes. Default 512 KiB. */
  readonly maxBodyBytes?: number;
  /** Tells the client's address; default the peer's. */
  readonly originOf?: OriginOf;
}

/** A request whose raw body has been read; Bolt's receiver reuses `rawBody`. */
export type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

/** Checks a Slack request; calls `next` only for one that passes. */
export type SlackRequestGuard = (
  req: RequestWithRawBody,
  res: ServerResponse,
  next: () => void,
) => Promise<void>;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The user id a request claims, for the audit record of a refusal (unverified by definition). */
function claimedUserId(body: string): string | undefined {
  const form = new URLSearchParams(body);
  const direct = form.get('user_id');
  if (direct) return direct.slice(0, 32);
  try {
    const payload = JSON.parse(form.get('payload') ?? body) as { user?: { id?: unknown } };
    return typeof payload.user?.id === 'string' ? payload.user.id.slice(0, 32) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks every request on the Slack path before Bolt sees it: reads the raw body (with a size
 * limit), verifies the v0 signature and the five-minute timestamp window, and refuses with
 * 401 and an audit record (`request.refused`, the claimed Slack user id in `data`) when either
 * fails. Bolt then verifies the same bytes again with its own check.
 */
export function createSlackRequestGuard(options: SlackRequestGuardOptions): SlackRequestGuard {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_SLACK_MAX_BODY_BYTES;
  const log = options.logger.child({ component: 'slack-guard' });
  const originOf = options.originOf ?? createOriginOf(undefined);

  const refuse = async (
    req: IncomingMessage,
    reason: string,
    message: string,
    claimed: string | undefined,
  ) => {
    options.metrics?.requestRefused(`slack_${reason}`);
    const origin = originOf(req);
    log.warn('slack request refused', { reason, claimedSlackUserId: claimed, ...origin });
    // The refusal stands even when it cannot be audited (the store is down): answer anyway.
    await options.refusals
      .record({
        type: 'request.refused',
        actor: 'slack:unverified',
        data: {
          source: 'slack',
          code: `SLACK_${reason.toUpperCase()}`,
          reason: message,
          claimedSlackUserId: claimed,
          ...origin,
        },
      })
      .catch((error: unknown) => {
        log.error('audit of a slack refusal failed', { reason, error: describeError(error) });
      });
  };

  return async (req, res, next) => {
    let raw: Buffer;
    try {
      raw = await readRawBody(req, maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        await refuse(req, 'too_large', error.message, undefined);
        res.writeHead(413, { connection: 'close' }).end();
        return;
      }
      log.warn('slack request body unreadable', { error: describeError(error) });
      res.writeHead(400).end();
      return;
    }
    const body = raw.toString('utf8');
    const result = verifySlackSignature({
      signingSecret: options.signingSecret,
      rawBody: body,
      signature: header(req, 'x-slack-signature'),
      timestamp: header(req, 'x-slack-request-timestamp'),
      nowMs: options.now(),
    });
    if (!result.ok) {
      await refuse(req, result.reason, result.message, claimedUserId(body));
      res.writeHead(401).end();
      return;
    }
    req.rawBody = raw;
    next();
  };
}
