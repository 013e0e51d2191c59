import { ConfirmSubscriptionCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Redis } from 'ioredis';
import { RefusalAudit } from '../audit/index.js';
import type { AuditSink } from '../audit/index.js';
import type { RunRequest } from '../engine/index.js';
import type { RunbookDocument } from '../runbook/index.js';
import { createSilentLogger, createSystemClock } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import {
  createCachedCertificateFetcher,
  createHttpsCertificateFetcher,
} from './certificate-fetcher.js';
import type { CertificateFetcher } from './certificate-fetcher.js';
import type { DedupeStore } from './dedupe-store.js';
import { MemoryDedupeStore } from './memory-dedupe-store.js';
import { RedisDedupeStore } from './redis-dedupe-store.js';
import { createSnsDeliveryHandler } from './sns-endpoint.js';
import type { SnsDeliveryHandler, SnsDeliveryHandlerOptions } from './sns-endpoint.js';
import { createSnsIntake } from './sns-intake.js';
import type { SnsIntakeOptions } from './sns-intake.js';

/** Environment variable with the SNS topic allow-list, comma-separated; `*` is a wildcard. */
export const ENV_SNS_TOPIC_ARNS = 'FIREBREAK_SNS_TOPIC_ARNS';

/** Options for {@link createSnsRoute}. */
export interface SnsRouteOptions {
  /** See {@link SnsDeliveryHandlerOptions.allowedTopicArns}. */
  allowedTopicArns: readonly string[];
  runbooks: readonly RunbookDocument[];
  /** Enqueues a run; see {@link SnsIntakeOptions.startRun}. */
  startRun(request: RunRequest): Promise<unknown>;
  /** Receives every trigger record, refusals of deliveries included. */
  audit: AuditSink;
  store: DedupeStore;
  /** See {@link SnsDeliveryHandlerOptions.confirmSubscription}. */
  confirmSubscription(input: { topicArn: string; token: string }): Promise<void>;
  /** Default: HTTPS from SNS hosts only, cached. */
  fetchCertificate?: CertificateFetcher;
  /** In bytes; see {@link SnsDeliveryHandlerOptions.maxBodyBytes}. Default 256 KiB. */
  maxBodyBytes?: number;
  /** In milliseconds; see {@link SnsDeliveryHandlerOptions.maxMessageAgeMs}. Default 24 h. */
  maxMessageAgeMs?: number;
  /** In milliseconds; see {@link SnsIntakeOptions.incidentWindowMs}. Default 1 h. */
  incidentWindowMs?: number;
  onNote?: SnsIntakeOptions['onNote'];
  clock?: Pick<Clock, 'now'> & Partial<Pick<Clock, 'setTimer'>>;
  /** Default: silent. */
  logger?: Logger;
  /**
   * Audits refused deliveries, counting them past a limit per minute (a flood of forged
   * POSTs). Default: one of its own on `audit`.
   */
  refusals?: RefusalAudit;
}

/**
 * The whole `POST /sns` handler: {@link createSnsDeliveryHandler} (size, shape, topic, age,
 * signature) in front of {@link createSnsIntake} (dedupe, matching, runs and notes). Every
 * refused delivery is audited as `trigger.refused` with the endpoint's code.
 */
export function createSnsRoute(options: SnsRouteOptions): SnsDeliveryHandler {
  const refusals =
    options.refusals ??
    new RefusalAudit({
      audit: options.audit,
      clock: options.clock?.setTimer ? (options.clock as Clock) : createSystemClock(),
      logger: options.logger ?? createSilentLogger(),
    });
  const intake = createSnsIntake(options);
  const fetchCertificate =
    options.fetchCertificate ?? createCachedCertificateFetcher(createHttpsCertificateFetcher());
  return createSnsDeliveryHandler({
    ...options,
    fetchCertificate,
    onNotification: async (envelope, event) => {
      await intake.onNotification(envelope, event);
    },
    onRefusal: async (refusal) => {
      const { code, topicArn, messageId, detail, remoteAddress, proxyAddress } = refusal;
      await refusals.record({
        type: 'trigger.refused',
        actor: 'sns',
        data: { code, topicArn, messageId, reason: detail, remoteAddress, proxyAddress },
      });
    },
  });
}

/** The parts of the firebreak runtime the SNS route needs (`Runtime` from `src/main.ts`). */
export interface SnsRouteRuntime {
  readonly catalog: { list(): RunbookDocument[] };
  readonly driver: { startRun(request: RunRequest): Promise<unknown> };
  readonly audit: AuditSink;
  readonly aws: { readonly simulated: boolean; readonly region: string; sns(): SNSClient };
  readonly config: { readonly queuePrefix: string };
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Options for {@link createSnsRouteForRuntime}. */
export interface SnsRouteForRuntimeOptions {
  /** Where `FIREBREAK_SNS_TOPIC_ARNS` is read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Shared Redis for dedupe records, so several servers agree; keys go under
   * `<queuePrefix>:trigger:`. Without it the records live in this process.
   */
  redis?: Redis;
  /** Receives each message noted on a run, e.g. to post it in the run's Slack thread. */
  onNote?: SnsRouteOptions['onNote'];
  /** Shared with the HTTP server's, so that shutdown writes every count. */
  refusals?: RefusalAudit;
}

function confirmWith(runtime: SnsRouteRuntime): SnsRouteOptions['confirmSubscription'] {
  return async ({ topicArn, token }) => {
    // ConfirmSubscription must go to the topic's own region.
    const region = topicArn.split(':')[3] ?? runtime.aws.region;
    const sameRegion = runtime.aws.simulated || region === runtime.aws.region;
    const client = sameRegion ? runtime.aws.sns() : new SNSClient({ region });
    const input = { TopicArn: topicArn, Token: token, AuthenticateOnUnsubscribe: 'true' };
    await client.send(new ConfirmSubscriptionCommand(input));
  };
}

/**
 * `POST /sns` for `firebreak serve`, from the runtime. Undefined when
 * `FIREBREAK_SNS_TOPIC_ARNS` is empty: with no topic allowed, `/sns` stays closed (503).
 */
export function createSnsRouteForRuntime(
  runtime: SnsRouteRuntime,
  options: SnsRouteForRuntimeOptions = {},
): SnsDeliveryHandler | undefined {
  const env = options.env ?? process.env;
  const allowedTopicArns = (env[ENV_SNS_TOPIC_ARNS] ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  if (allowedTopicArns.length === 0) return undefined;

  const keyPrefix = `${runtime.config.queuePrefix}:trigger:`;
  const store = options.redis
    ? new RedisDedupeStore({ redis: options.redis, keyPrefix })
    : new MemoryDedupeStore({ clock: runtime.clock });
  return createSnsRoute({
    allowedTopicArns,
    runbooks: runtime.catalog.list(),
    startRun: (request) => runtime.driver.startRun(request),
    audit: runtime.audit,
    store,
    confirmSubscription: confirmWith(runtime),
    clock: runtime.clock,
    logger: runtime.logger,
    onNote: options.onNote,
    refusals: options.refusals,
  });
}
