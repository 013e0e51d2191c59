import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from our clock, per Slack's docs (five minutes). */
export const SLACK_MAX_REQUEST_AGE_MS = 5 * 60 * 1000;

/** Why a request from "Slack" was not accepted. The spelling is audited. */
export type SlackSignatureFailure = 'unsigned' | 'bad_timestamp' | 'stale' | 'bad_signature';

/** The outcome of {@link verifySlackSignature}. */
export type SlackSignatureResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: SlackSignatureFailure; readonly message: string };

/** What {@link verifySlackSignature} checks. */
export interface SlackSignatureInput {
  readonly signingSecret: string;
  /** The body exactly as received; the signature covers these bytes. */
  readonly rawBody: string;
  /** `X-Slack-Signature`, e.g. `v0=a2114d57…`. */
  readonly signature: string | undefined;
  /** `X-Slack-Request-Timestamp`, in Unix seconds. */
  readonly timestamp: string | undefined;
  /** Our time in milliseconds since the epoch (injected so tests can pin it). */
  readonly nowMs: number;
}

/**
 * Checks a Slack request signature: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}` with the
 * signing secret, and a timestamp within five minutes of `nowMs` (replay protection).
 * @see https://docs.slack.dev/authentication/verifying-requests-from-slack/
 */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureResult {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) {
    return { ok: false, reason: 'unsigned', message: 'X-Slack-Signature or timestamp missing' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return {
      ok: false,
      reason: 'bad_timestamp',
      message: 'X-Slack-Request-Timestamp is not a number',
    };
  }
  const skewMs = Math.abs(input.nowMs - Number(timestamp) * 1000);
  if (skewMs > SLACK_MAX_REQUEST_AGE_MS) {
    return {
      ok: false,
      reason: 'stale',
      message: 'request timestamp is more than five minutes off',
    };
  }

  const expected = toSlackSignature(input.signingSecret, timestamp, input.rawBody);
  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { ok: false, reason: 'bad_signature', message: 'signature does not match the body' };
  }
  return { ok: true };
}

/** The `v0=…` signature Slack would send for `rawBody` at `timestamp` (Unix seconds). */
export function toSlackSignature(
  signingSecret: string,
  timestamp: string,
  rawBody: string,
): string {
  const hmac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`);
  return `v0=${hmac.digest('hex')}`;
}
