import type { Command } from 'commander';
import { Redis } from 'ioredis';
import {
  LayeredKeyValueStore,
  MemoryKeyValueStore,
  RedisKeyValueStore,
} from '../../chatops/index.js';
import type { KeyValueStore } from '../../chatops/index.js';
import { RefusalAudit } from '../../audit/index.js';
import type { Config } from '../../config/index.js';
import { createRuntime } from '../../main.js';
import { logRedisErrors } from '../../queue/index.js';
import type { Runtime } from '../../main.js';
import { createFirebreakServer, toSlackMode } from '../../server/index.js';
import type { SnsRouteHandler } from '../../server/index.js';
import type { TriggerNote } from '../../triggers/index.js';
import { FirebreakError } from '../../shared/index.js';
import type { CliIo } from '../cli-io.js';

interface ServeOptions {
  port: string;
  host: string;
}

/** What `serve` hands the SNS handler it builds. */
export interface SnsHandlerContext {
  readonly redis?: Redis;
  readonly onNote: (note: TriggerNote) => void;
  readonly refusals: RefusalAudit;
}

/** Seams for `firebreak serve`. */
export interface ServeCommandSeams {
  /**
   * Builds the `POST /sns` handler from the runtime; without it `/sns` answers 503. `redis` is
   * the shared connection (with REDIS_URL), `onNote` receives messages noted on runs, and
   * `refusals` audits refused deliveries with the HTTP server's own refusals.
   */
  createSnsHandler?: (runtime: Runtime, context: SnsHandlerContext) => SnsRouteHandler | undefined;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function createStore(config: Config, runtime: Runtime): { store: KeyValueStore; redis?: Redis } {
  const local = new MemoryKeyValueStore(runtime.clock);
  if (!config.redisUrl) return { store: local };
  // Plain commands and scripts only (no BullMQ here): commands issued in one turn of the event
  // loop, such as the claims of a burst of SNS deliveries, leave in one write.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  logRedisErrors(redis, runtime.logger);
  const shared = new RedisKeyValueStore(redis, `${config.queuePrefix}:chatops:`);
  return { store: new LayeredKeyValueStore(local, shared), redis };
}

/** What the banner says about Slack; when it is off, which settings would turn it on. */
function describeSlackMode(config: Config): string {
  const { slack } = config;
  const mode = toSlackMode(slack);
  if (mode === 'http') return `HTTP mode, ${slack.command} on POST /slack/events`;
  if (mode === 'socket') return `Socket Mode, ${slack.command}`;
  if (slack.botToken) {
    return (
      'disabled: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) ' +
      'nor SLACK_APP_TOKEN (Socket Mode) is'
    );
  }
  const other = slack.signingSecret || slack.appToken ? ': SLACK_BOT_TOKEN is missing' : '';
  return (
    `disabled${other} (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, ` +
    `or SLACK_BOT_TOKEN and SLACK_APP_TOKEN for Socket Mode)`
  );
}

/** What kind of Slack token a value looks like, without showing any of a secret. */
function tokenKind(value: string): string {
  const prefix = /^x(oxb|oxp|oxa|oxe|app)-/.exec(value)?.[0];
  return prefix === undefined ? 'a value that is not a Slack token' : `a ${prefix} token`;
}

/** Tokens pasted into each other's variables: Slack's prefixes tell them apart. */
function checkSlackTokens(config: Config): void {
  const { botToken, appToken } = config.slack;
  if (botToken && !botToken.startsWith('xoxb-')) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `SLACK_BOT_TOKEN must be a bot token (xoxb-…), got ${tokenKind(botToken)}; ` +
        `the app-level xapp- token goes in SLACK_APP_TOKEN`,
    );
  }
  if (appToken && !appToken.startsWith('xapp-')) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `SLACK_APP_TOKEN must be an app-level token (xapp-…), got ${tokenKind(appToken)}`,
    );
  }
}

/**
 * `firebreak serve`: the HTTP server with Slack (HTTP mode on /slack/events, or Socket Mode
 * when SLACK_APP_TOKEN is set), `POST /sns`, `/healthz` and `/metrics`, until SIGINT/SIGTERM.
 */
export function registerServeCommand(
  program: Command,
  config: Config,
  io: CliIo,
  seams: ServeCommandSeams = {},
): void {
  program
    .command('serve')
    .description('serve Slack, SNS deliveries, /healthz and /metrics over HTTP')
    .option('--port <port>', 'port to listen on (PORT)', String(config.port))
    .option('--host <host>', 'address to bind', '0.0.0.0')
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new FirebreakError(
          'CONFIG_INVALID',
          `--port must be a port number, got "${options.port}"`,
        );
      }
      checkSlackTokens(config);
      const runtime = await createRuntime(config);
      const { store, redis } = createStore(config, runtime);
      // Notes go to the runs' Slack threads once Slack is set up below.
      let postNote: ((note: TriggerNote) => void) | undefined;
      const onNote = (note: TriggerNote) => postNote?.(note);
      const { audit, clock, logger } = runtime;
      const refusals = new RefusalAudit({ audit, clock, logger });
      const sns = seams.createSnsHandler?.(runtime, { redis, onNote, refusals });
      const server = createFirebreakServer({
        slack: config.slack,
        driver: runtime.driver,
        catalog: runtime.catalog,
        roles: runtime.roles,
        audit: runtime.audit,
        clock: runtime.clock,
        logger: runtime.logger,
        simulated: runtime.aws.simulated,
        store,
        sns,
        refusals,
        actions: runtime.actions,
        aws: runtime.aws,
        trustedProxies: config.trustedProxies,
      });
      postNote = server.chatops && ((note) => server.chatops?.noteTrigger(note));
      let bound: number;
      try {
        bound = await server.start(port, options.host);
      } catch (error) {
        // Nothing may keep a half-started server alive (a bad Slack token, a port in use).
        await runtime.close();
        await redis?.quit();
        throw error;
      }

      const account = runtime.aws.simulated ? 'SIMULATED account' : 'REAL AWS account';
      io.out(`firebreak serving on http://${options.host}:${bound} (${account})`);
      io.out(`  slack: ${describeSlackMode(config)}`);
      const snsOff = 'not configured: set FIREBREAK_SNS_TOPIC_ARNS (POST /sns answers 503)';
      io.out(`  sns: ${sns ? 'POST /sns' : snsOff}`);
      if (!runtime.driver.durable) io.out('  runs will not survive a restart (set REDIS_URL)');

      const signal = await waitForSignal();
      runtime.logger.info('shutting down', { signal });
      await server.stop();
      await runtime.close();
      await redis?.quit();
    });
}
