import type { ActionRegistry } from '../actions/index.js';
import type { AwsClients } from '../aws/index.js';
import type { AuditSink, RefusalAudit } from '../audit/index.js';
import { createSlackChatOps } from '../chatops/index.js';
import type { KeyValueStore, SlackChatOps } from '../chatops/index.js';
import type { RoleMap, SlackConfig } from '../config/index.js';
import type { RunDriver } from '../engine/index.js';
import type { RunbookCatalog } from '../runbook/index.js';
import type { Clock, Logger } from '../shared/index.js';
import { createHttpServer } from './create-http-server.js';
import type { HttpServer } from './create-http-server.js';
import type { SnsRouteHandler } from './sns-http-route.js';
import { ServerMetrics } from './server-metrics.js';

/** Options for {@link createFirebreakServer}: the runtime's parts and the Slack settings. */
export interface FirebreakServerOptions {
  readonly slack: SlackConfig;
  readonly driver: RunDriver;
  readonly catalog: RunbookCatalog;
  readonly roles: RoleMap;
  readonly audit: AuditSink;
  /** Runs, approval deadlines, update pacing and Retry-After waits. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly simulated: boolean;
  readonly store: KeyValueStore;
  /** The actions runs use, for `/ir plan` and `/ir undo`. */
  readonly actions?: ActionRegistry;
  /** AWS clients for `/ir plan`'s live describe calls. */
  readonly aws?: AwsClients;
  /** Serves `POST /sns` (the triggers' SNS delivery handler). */
  readonly sns?: SnsRouteHandler;
  /** Audits refused requests, counting them past a limit per minute; default the server's own. */
  readonly refusals?: RefusalAudit;
  /** Time for the Slack signature window, in ms since the epoch. Default: `clock.now`. */
  readonly signatureNow?: () => number;
  /** Least time between updates of one run's message, in milliseconds. Default 1000. */
  readonly minUpdateIntervalMs?: number;
  /** Slack Web API retries on network errors and 5xx. Default 3. */
  readonly apiRetries?: number;
  /** Add Node process metrics to `/metrics`. Default true. */
  readonly collectProcessMetrics?: boolean;
  /** Proxies whose `X-Forwarded-For` is believed (FIREBREAK_TRUSTED_PROXIES); default none. */
  readonly trustedProxies?: readonly string[];
}

/** What `firebreak serve` runs. */
export interface FirebreakServer {
  readonly http: HttpServer;
  /** Undefined when Slack is not configured. */
  readonly chatops?: SlackChatOps;
  readonly metrics: ServerMetrics;
  /** Listens on `host:port` and connects Socket Mode when configured; resolves with the port. */
  start(port: number, host: string): Promise<number>;
  stop(): Promise<void>;
}

/** How Slack is reached with these settings, or why it is off. */
export function toSlackMode(slack: SlackConfig): 'http' | 'socket' | 'disabled' {
  if (!slack.botToken) return 'disabled';
  if (slack.appToken) return 'socket';
  return slack.signingSecret ? 'http' : 'disabled';
}

/**
 * Puts the HTTP server, its metrics and the Slack app together: Slack in HTTP mode on
 * `/slack/events` (signature checked by our guard, then by Bolt), or in Socket Mode beside
 * an HTTP server that still serves `/sns`, `/healthz` and `/metrics`.
 */
export function createFirebreakServer(options: FirebreakServerOptions): FirebreakServer {
  const mode = toSlackMode(options.slack);
  const metrics = new ServerMetrics({
    driver: options.driver,
    collectProcessMetrics: options.collectProcessMetrics,
  });
  const signingSecret = options.slack.signingSecret;
  const http = createHttpServer({
    logger: options.logger,
    audit: options.audit,
    refusals: options.refusals,
    metrics,
    slack:
      mode === 'http' && signingSecret
        ? { signingSecret, now: options.signatureNow ?? (() => options.clock.now()) }
        : undefined,
    sns: options.sns,
    trustedProxies: options.trustedProxies,
    health: () => ({
      slack: mode,
      ...(mode === 'socket' && { slackConnected: chatops?.socketConnected() ?? false }),
      durableRuns: options.driver.durable,
      simulated: options.simulated,
    }),
  });
  const chatops =
    mode === 'disabled'
      ? undefined
      : createSlackChatOps({
          ...options,
          metrics,
          http: mode === 'http' ? { mount: (listener) => http.mountSlack(listener) } : undefined,
        });
  return {
    http,
    chatops,
    metrics,
    start: async (port, host) => {
      const bound = await http.listen(port, host);
      // A token Slack refuses fails the start and closes the server: no half-working serve.
      try {
        await chatops?.start();
      } catch (error) {
        await http.close();
        throw error;
      }
      return bound;
    },
    stop: async () => {
      await chatops?.stop();
      await http.close();
    },
  };
}
