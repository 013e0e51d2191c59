import type { Clock } from '../shared/clock.js';
import { describeError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { createSilentLogger } from '../shared/logger.js';
import type { CertificateFetcher } from './certificate-fetcher.js';
import { SnsParseError, SnsSignatureError } from './errors.js';
import { parseSnsEnvelope } from './parse-sns-envelope.js';
import type { SnsEnvelope } from './parse-sns-envelope.js';
import { checkSnsHeaders } from './parse-sns-http-request.js';
import { parseTriggerMessage } from './parsers/index.js';
import type { TriggerEvent } from './trigger-event.js';
import { createSnsSignatureVerifier } from './verify-sns-signature.js';
import type { SnsSignatureVerifier } from './verify-sns-signature.js';

/** Default for {@link SnsDeliveryHandlerOptions.maxBodyBytes}: SNS's own message limit. */
export const DEFAULT_SNS_MAX_BODY_BYTES = 256 * 1024;
/** How far in the future a message Timestamp may be (clock skew), in milliseconds. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Default for {@link SnsDeliveryHandlerOptions.maxMessageAgeMs}. */
export const DEFAULT_SNS_MAX_MESSAGE_AGE_MS = 24 * 60 * 60 * 1000;

/** One HTTP delivery as the server received it. */
export interface SnsDeliveryRequest {
  readonly body: string | Buffer;
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The client's address, for the records of refusals. */
  readonly remoteAddress?: string;
  /** The trusted proxy the delivery came through, if any. */
  readonly proxyAddress?: string;
}

/** What the handler decided; `outcome` is stable and goes into logs and metrics. */
export type SnsDeliveryOutcome =
  | 'notification-recorded'
  | 'subscription-confirmed'
  | 'unsubscribe-recorded'
  | 'body-too-large'
  | 'malformed'
  | 'topic-refused'
  | 'stale'
  | 'signature-refused'
  | 'record-failed';

/** The answer to send back to SNS. */
export interface SnsDeliveryResponse {
  /**
   * 200 once verified and recorded; 400 malformed; 403 topic, age or signature refused; 413
   * too large; 500 when recording or confirming failed, so SNS delivers again.
   */
  readonly status: 200 | 400 | 403 | 413 | 500;
  readonly outcome: SnsDeliveryOutcome;
  /** The refusal code, for a refused delivery. */
  readonly code?: string;
  readonly messageId?: string;
  readonly topicArn?: string;
}

/** Stable refusal codes beyond those of {@link SnsParseError} and {@link SnsSignatureError}. */
export type SnsRefusalCode =
  | 'SNS_BODY_TOO_LARGE'
  | 'SNS_MALFORMED'
  | 'SNS_TOPIC_NOT_ALLOWED'
  | 'SNS_MESSAGE_STALE'
  | SnsSignatureError['code'];

/** Why a delivery was refused, for the audit log. */
export interface SnsRefusal {
  readonly code: SnsRefusalCode;
  /** Unverified unless the code is about something after the signature check. */
  readonly topicArn?: string;
  readonly messageId?: string;
  readonly detail: string;
  /** The address the request came from, when known. */
  readonly remoteAddress?: string;
  /** The trusted proxy it came through, if any. */
  readonly proxyAddress?: string;
}

/** Options for {@link createSnsDeliveryHandler}. */
export interface SnsDeliveryHandlerOptions {
  /**
   * Topic ARNs accepted; `*` matches any run of characters (`arn:aws:sns:*:123456789012:ir-*`).
   * Anything else is refused with 403, before the signature is checked. An empty list refuses
   * everything.
   */
  allowedTopicArns: readonly string[];
  /** Serves signing certificates; production passes a cached HTTPS fetcher. */
  fetchCertificate: CertificateFetcher;
  /**
   * Confirms a subscription to an allowed topic, in production through the SNS
   * `ConfirmSubscription` API with the token. The SubscribeURL is never visited.
   */
  confirmSubscription(input: { topicArn: string; token: string }): Promise<void>;
  /** Records or enqueues a verified notification. Must not call AWS or Slack inline. */
  onNotification(envelope: SnsEnvelope, event: TriggerEvent): Promise<void>;
  /** Records a verified UnsubscribeConfirmation. Default: log it. Nothing is visited. */
  onUnsubscribeConfirmation?(envelope: SnsEnvelope): Promise<void>;
  /** Audits a refusal. A failure here is logged; the refusal stands. */
  onRefusal(reason: SnsRefusal): Promise<void> | void;
  /** Largest body accepted, in bytes. Default 256 KiB. */
  maxBodyBytes?: number;
  /**
   * Oldest signed `Timestamp` accepted, in milliseconds, so a captured delivery cannot be
   * replayed later. Default 24 hours; `Infinity` turns the check off.
   */
  maxMessageAgeMs?: number;
  /** Time source for the age check. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Default: silent. */
  logger?: Logger;
}

/** Handles one SNS HTTP(S) delivery; framework-free, so any HTTP server can call it. */
export type SnsDeliveryHandler = (request: SnsDeliveryRequest) => Promise<SnsDeliveryResponse>;

function toTopicMatcher(patterns: readonly string[]): (topicArn: string) => boolean {
  const regexes = patterns.map((pattern) => {
    if (pattern === '*') return /^/; // every topic, on purpose
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      // `*` stays inside one ARN field: `arn:aws:sns:*:111122223333:ir-*` must not let a
      // longer ARN smuggle another account id past it.
      .join('[^:]*');
    return new RegExp(`^${source}$`);
  });
  return (topicArn) => regexes.some((regex) => regex.test(topicArn));
}

class Refusal extends Error {
  constructor(
    readonly status: 400 | 403 | 413,
    readonly outcome: SnsDeliveryOutcome,
    readonly reason: SnsRefusal,
  ) {
    super(reason.detail);
  }
}

interface HandlerConfig {
  readonly options: SnsDeliveryHandlerOptions;
  readonly isAllowedTopic: (topicArn: string) => boolean;
  readonly verify: SnsSignatureVerifier;
  readonly maxBodyBytes: number;
  readonly maxMessageAgeMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

function parseDelivery(config: HandlerConfig, request: SnsDeliveryRequest): SnsEnvelope {
  const size =
    typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.length;
  if (size > config.maxBodyBytes) {
    const detail = `body is ${size} bytes, over the ${config.maxBodyBytes} byte limit`;
    throw new Refusal(413, 'body-too-large', { code: 'SNS_BODY_TOO_LARGE', detail });
  }

  try {
    const envelope = parseSnsEnvelope(request.body);
    checkSnsHeaders(request.headers, envelope);
    return envelope;
  } catch (error) {
    if (!(error instanceof SnsParseError)) throw error;
    throw new Refusal(400, 'malformed', { code: 'SNS_MALFORMED', detail: error.message });
  }
}

/** `24 h`, `90 s` or `500 ms`: a limit in words for refusal details. */
function formatLimit(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

async function checkDelivery(config: HandlerConfig, envelope: SnsEnvelope): Promise<void> {
  const ids = { topicArn: envelope.TopicArn, messageId: envelope.MessageId };
  if (!config.isAllowedTopic(envelope.TopicArn)) {
    const detail = `topic ${envelope.TopicArn} is not an allowed topic (FIREBREAK_SNS_TOPIC_ARNS)`;
    throw new Refusal(403, 'topic-refused', { code: 'SNS_TOPIC_NOT_ALLOWED', ...ids, detail });
  }

  const ageMs = config.now() - Date.parse(envelope.Timestamp);
  // A little clock skew is fine; a Timestamp from the future is not (replayable for longer).
  if (!(ageMs <= config.maxMessageAgeMs && ageMs >= -MAX_CLOCK_SKEW_MS)) {
    const why = Number.isNaN(ageMs)
      ? 'is unreadable'
      : ageMs > 0
        ? `is older than ${formatLimit(config.maxMessageAgeMs)}`
        : 'is in the future';
    const detail = `message Timestamp ${envelope.Timestamp} ${why}`;
    throw new Refusal(403, 'stale', { code: 'SNS_MESSAGE_STALE', ...ids, detail });
  }

  try {
    await config.verify(envelope);
  } catch (error) {
    if (!(error instanceof SnsSignatureError)) throw error;
    throw new Refusal(403, 'signature-refused', {
      code: error.code,
      ...ids,
      detail: error.message,
    });
  }
}

async function dispatch(config: HandlerConfig, envelope: SnsEnvelope): Promise<SnsDeliveryOutcome> {
  const { options, logger } = config;
  const fields = { topicArn: envelope.TopicArn, messageId: envelope.MessageId };
  switch (envelope.Type) {
    case 'Notification': {
      const event = parseTriggerMessage(envelope.Message, envelope.Subject);
      await options.onNotification(envelope, event);
      logger.info('sns notification recorded', { ...fields, kind: event.kind });
      return 'notification-recorded';
    }
    case 'SubscriptionConfirmation':
      // Parsing guarantees a Token on confirmations.
      await options.confirmSubscription({
        topicArn: envelope.TopicArn,
        token: envelope.Token ?? '',
      });
      logger.info('sns subscription confirmed', fields);
      return 'subscription-confirmed';
    case 'UnsubscribeConfirmation':
      await options.onUnsubscribeConfirmation?.(envelope);
      logger.warn('sns unsubscribe confirmation recorded', fields);
      return 'unsubscribe-recorded';
  }
}

async function refuse(
  config: HandlerConfig,
  refusal: Refusal,
  origin: Pick<SnsDeliveryRequest, 'remoteAddress' | 'proxyAddress'>,
): Promise<SnsDeliveryResponse> {
  const { remoteAddress, proxyAddress } = origin;
  const reason = {
    ...refusal.reason,
    ...(remoteAddress !== undefined && { remoteAddress }),
    ...(proxyAddress !== undefined && { proxyAddress }),
  };
  config.logger.warn('sns delivery refused', {
    code: reason.code,
    reason: reason.detail.slice(0, 300),
    topicArn: reason.topicArn,
    messageId: reason.messageId,
  });
  try {
    await config.options.onRefusal(reason);
  } catch (error) {
    config.logger.error('sns refusal not audited', {
      code: reason.code,
      error: describeError(error),
    });
  }
  return {
    status: refusal.status,
    outcome: refusal.outcome,
    code: reason.code,
    ...(reason.topicArn === undefined ? {} : { topicArn: reason.topicArn }),
    ...(reason.messageId === undefined ? {} : { messageId: reason.messageId }),
  };
}

function resolveConfig(options: SnsDeliveryHandlerOptions): HandlerConfig {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_SNS_MAX_BODY_BYTES;
  const maxMessageAgeMs = options.maxMessageAgeMs ?? DEFAULT_SNS_MAX_MESSAGE_AGE_MS;
  if (!(maxBodyBytes > 0))
    throw new RangeError(`maxBodyBytes must be positive, got ${maxBodyBytes}`);
  if (!(maxMessageAgeMs > 0)) {
    throw new RangeError(`maxMessageAgeMs must be positive, got ${maxMessageAgeMs}`);
  }

  const { clock } = options;
  const logger = (options.logger ?? createSilentLogger()).child({ component: 'sns-endpoint' });
  if (options.allowedTopicArns.length === 0) {
    logger.warn('sns endpoint allows no topics; every delivery will be refused');
  }
  return {
    options,
    isAllowedTopic: toTopicMatcher(options.allowedTopicArns),
    verify: createSnsSignatureVerifier({ fetchCertificate: options.fetchCertificate }),
    maxBodyBytes,
    maxMessageAgeMs,
    now: clock === undefined ? () => Date.now() : () => clock.now(),
    logger,
  };
}

/**
 * Creates the handler behind `POST /sns`. In order: body size (413), JSON and SNS shape and
 * agreement with the `x-amz-sns-*` headers (400), topic allow-list (403), message age (403),
 * signature (403); then a Notification is parsed with {@link parseTriggerMessage} and passed to
 * `onNotification`, a SubscriptionConfirmation for an allowed topic goes to
 * `confirmSubscription`, and an UnsubscribeConfirmation is only recorded. Every refusal goes
 * to `onRefusal`. If recording or confirming throws, the answer is 500 so SNS retries.
 * @see https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html
 */
export function createSnsDeliveryHandler(options: SnsDeliveryHandlerOptions): SnsDeliveryHandler {
  const config = resolveConfig(options);

  return async (request) => {
    let envelope: SnsEnvelope;
    try {
      envelope = parseDelivery(config, request);
      await checkDelivery(config, envelope);
    } catch (error) {
      if (error instanceof Refusal) return refuse(config, error, request);
      throw error;
    }

    const ids = { topicArn: envelope.TopicArn, messageId: envelope.MessageId };
    try {
      return { status: 200, outcome: await dispatch(config, envelope), ...ids };
    } catch (error) {
      config.logger.error('sns delivery not recorded', { ...ids, error: describeError(error) });
      return { status: 500, outcome: 'record-failed', ...ids };
    }
  };
}
