import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, webApi } from '@slack/bolt';
import type {
  AllMiddlewareArgs,
  AuthorizeResult,
  RespondFn,
  SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import type { ActionRegistry } from '../actions/index.js';
import type { AuditSink } from '../audit/index.js';
import type { AwsClients } from '../aws/index.js';
import type { RoleMap, SlackConfig } from '../config/index.js';
import type { RunDriver } from '../engine/index.js';
import type { RunbookCatalog } from '../runbook/index.js';
import { describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import { NOOP_CHATOPS_METRICS } from './chatops-metrics.js';
import type { ChatOpsMetrics } from './chatops-metrics.js';
import { ChatOpsError } from './errors.js';
import { AckFirstQueue } from './ack-first-queue.js';
import { ApprovalHandler } from './interactions/approval-handler.js';
import type { KeyValueStore } from './key-value-store.js';
import { RunMessagePublisher } from './run-message-publisher.js';
import { SlackRoleResolver } from './slack-role-resolver.js';
import { SlashCommandHandler } from './slash-command-handler.js';
import type { EphemeralPoster } from './slash-command-handler.js';
import { toBoltLogger } from './to-bolt-logger.js';
import { toTriggerNoteReply } from './views/thread-replies.js';
import type { TriggerNoteView } from './views/thread-replies.js';
import {
  ACTION_APPROVE,
  ACTION_DENY,
  DENY_REASON_FIELD,
  VIEW_DENY_REASON,
  parseApprovalRef,
  toDenyReasonModal,
} from './views/approval-message.js';

/** Where Slack's HTTP requests arrive (commands, buttons and modals share it), by default. */
export const DEFAULT_SLACK_EVENTS_PATH = '/slack/events';

/** Options for {@link createSlackChatOps}. */
export interface SlackChatOpsOptions {
  /** Tokens, command name, API URL and default channel (from the environment). */
  readonly slack: SlackConfig;
  readonly driver: RunDriver;
  readonly catalog: RunbookCatalog;
  readonly roles: RoleMap;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether runs act on the simulated account (every message says so). */
  readonly simulated: boolean;
  /** Dedupe keys and message ids: memory, or Redis when several servers share the work. */
  readonly store: KeyValueStore;
  /**
   * HTTP mode: the Express app that serves Slack's requests and the path they arrive on. The
   * caller mounts its signature guard on that path first; Bolt verifies signatures again.
   */
  readonly http?: {
    /** Takes Bolt's request listener for the Slack path (see `HttpServer.mountSlack`). */
    readonly mount: (listener: (req: IncomingMessage, res: ServerResponse) => void) => void;
    readonly path?: string;
  };
  readonly metrics?: ChatOpsMetrics;
  /** Least time between two updates of one run's message, in milliseconds. Default 1000. */
  readonly minUpdateIntervalMs?: number;
  /** Web API retries after network errors and 5xx (not 429, which the publisher handles). Default 3. */
  readonly apiRetries?: number;
  /** Web API request timeout, in milliseconds. Default 10,000. */
  readonly apiTimeoutMs?: number;
  /**
   * The actions runs use, for `/ir plan` (their plans) and `/ir undo` (their undo). Without
   * it both answer that they are not set up here.
   */
  readonly actions?: ActionRegistry;
  /** The clients `/ir plan` reads live state with. Without it `/ir plan` is not set up here. */
  readonly aws?: AwsClients;
}

/** The Slack side of a running firebreak. */
export interface SlackChatOps {
  readonly mode: 'http' | 'socket';
  readonly app: App;
  readonly publisher: RunMessagePublisher;
  /** Socket Mode: whether it has connected (Slack's client reconnects by itself after that). */
  socketConnected(): boolean;
  /**
   * Posts an SNS message noted on a run (another alarm for its incident, its alarm back to OK)
   * in the run's thread. Returns at once; the work happens after pending acknowledgements.
   */
  noteTrigger(note: TriggerNoteView & { readonly runId: string; readonly runbookId: string }): void;
  /** Connects (Socket Mode); HTTP mode is served by the caller's server. */
  start(): Promise<void>;
  /** Resolves once no Slack work is in flight (tests and shutdown). */
  idle(): Promise<void>;
  /** Like {@link idle}, and also waits for run message updates held back by the rate limit. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

function requireSetting(value: string | undefined, variable: string, why: string): string {
  if (value) return value;
  throw new ChatOpsError('SLACK_CONFIG_INVALID', `${variable} is not set; ${why}`);
}

interface CreatedApp {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** Our Web API client (run messages, replies, modals), with the bot token. */
  readonly client: webApi.WebClient;
  /** Checks the bot token (auth.test) once; later calls reuse the answer. */
  readonly authorize: () => Promise<AuthorizeResult>;
}

/**
 * Bolt calls `auth.test` before every event when its own token check is off, which would put
 * a Web API round trip in front of every acknowledgement; this authorizes once and remembers.
 */
function createAuthorize(client: webApi.WebClient, token: string): () => Promise<AuthorizeResult> {
  let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
  return async () => {
    identity ??= client.auth
      .test()
      .then((result) => ({ botUserId: result.user_id, botId: result.bot_id }))
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      });
    return { botToken: token, ...(await identity) };
  };
}

function createApp(options: SlackChatOpsOptions): CreatedApp {
  const { slack } = options;
  const token = requireSetting(slack.botToken, 'SLACK_BOT_TOKEN', 'the bot cannot post without it');
  const logger = toBoltLogger(options.logger);
  const clientOptions = {
    slackApiUrl: slack.apiUrl === undefined ? undefined : slack.apiUrl.replace(/\/?$/, '/'),
    // 429s come back to the publisher, which waits on its own clock and loses nothing.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: options.apiRetries ?? 3, factor: 2, minTimeout: 500 },
    timeout: options.apiTimeoutMs ?? 10_000,
    logger,
  };
  const client = new webApi.WebClient(token, clientOptions);
  const authorize = createAuthorize(client, token);
  const common = { authorize, logger, clientOptions, convoStore: false as const };
  if (slack.appToken) {
    // Socket Mode's own client (apps.connections.open) takes its options from installerOptions.
    const installerOptions = { clientOptions };
    const app = new App({
      ...common,
      appToken: slack.appToken,
      socketMode: true,
      installerOptions,
    });
    return { app, mode: 'socket', client, authorize };
  }
  const http = options.http;
  if (!http) {
    throw new ChatOpsError('SLACK_CONFIG_INVALID', 'HTTP mode needs an HTTP server to mount on');
  }
  const signingSecret = requireSetting(
    slack.signingSecret,
    'SLACK_SIGNING_SECRET',
    'requests from Slack cannot be verified',
  );
  // Bolt's plain node:http receiver, fed by the server's Slack route after its own guard;
  // Bolt checks the signature again (signatureVerification stays on).
  const receiver = new HTTPReceiver({
    signingSecret,
    signatureVerification: true,
    endpoints: [http.path ?? DEFAULT_SLACK_EVENTS_PATH],
    logger,
    // Acknowledge as soon as ack() is called: Slack wants an answer within three seconds.
    processBeforeResponse: false,
  });
  http.mount(receiver.requestListener);
  return { app: new App({ ...common, receiver }), mode: 'http', client, authorize };
}

/**
 * Builds the Slack Bolt app: the slash command, the approval buttons and the deny modal, and
 * the publisher that keeps each run's message current. HTTP mode when no app token is set,
 * Socket Mode (no public URL needed) when SLACK_APP_TOKEN is.
 */
export function createSlackChatOps(options: SlackChatOpsOptions): SlackChatOps {
  const { app, mode, client, authorize } = createApp(options);
  const logger = options.logger.child({ component: 'chatops' });
  const metrics = options.metrics ?? NOOP_CHATOPS_METRICS;
  const work = new Set<Promise<void>>();

  // Wiring: one publisher, one role resolver, and the two handlers that use them.
  const publisher = new RunMessagePublisher({
    client,
    store: options.store,
    clock: options.clock,
    logger,
    defaultChannel: options.slack.defaultChannel,
    minUpdateIntervalMs: options.minUpdateIntervalMs,
    metrics,
  });
  const detach = publisher.attach(options.driver);
  const roles = new SlackRoleResolver({
    roles: options.roles,
    clock: options.clock,
    logger,
    listUserGroups: async () => {
      const result = await client.usergroups.list({ include_users: true });
      return (result.usergroups ?? []).map((g) => ({
        id: g.id ?? '',
        handle: g.handle,
        users: g.users,
      }));
    },
  });
  const postEphemeral: EphemeralPoster = async (channel, user, text) => {
    try {
      await client.chat.postEphemeral({ channel, user, text });
      metrics.slackApiCall('chat.postEphemeral', 'ok');
    } catch (error) {
      metrics.slackApiCall('chat.postEphemeral', 'error');
      logger.warn('ephemeral reply failed', {
        channelId: channel,
        slackUserId: user,
        error: describeError(error),
      });
    }
  };
  const common = {
    driver: options.driver,
    roles,
    audit: options.audit,
    postEphemeral,
    clock: options.clock,
    logger,
    metrics,
  };
  const commands = new SlashCommandHandler({
    ...common,
    catalog: options.catalog,
    publisher,
    dedupe: options.store,
    command: options.slack.command,
    simulated: options.simulated,
    actions: options.actions,
    aws: options.aws,
  });
  const approvals = new ApprovalHandler(common);

  // Every request marks the queue busy, so that work waits until a burst has been acknowledged.
  const ackFirst = new AckFirstQueue();
  app.use(async ({ next }) => {
    ackFirst.noteRequest();
    await next();
  });

  /** Runs work after the acknowledgement, never on the request, and after pending acks. */
  const later = (task: () => Promise<unknown>) => {
    const promise = new Promise<void>((resolve) => ackFirst.defer(resolve))
      .then(task)
      .then(() => undefined)
      .catch((error: unknown) =>
        logger.error('slack work failed', { error: describeError(error) }),
      );
    work.add(promise);
    void promise.finally(() => work.delete(promise));
  };

  /** Answers a command later through its response_url; the bot's ephemeral post if that fails. */
  const toResponder = (respond: RespondFn, channelId: string, userId: string) => {
    return async (text: string) => {
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, text });
        metrics.slackApiCall('response_url', 'ok');
      } catch (error) {
        metrics.slackApiCall('response_url', 'error');
        logger.warn('response_url answer failed; posting ephemerally', {
          channelId,
          slackUserId: userId,
          error: describeError(error),
        });
        await postEphemeral(channelId, userId, text);
      }
    };
  };

  // The slash command: answer in the acknowledgement, then do the work.
  app.command(/.*/, async (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const { command, ack, context, respond } = args;
    let reply: string;
    let work: (() => Promise<void>) | undefined;
    try {
      const outcome = await commands.handle({
        teamId: command.team_id,
        userId: command.user_id,
        channelId: command.channel_id,
        command: command.command,
        text: command.text ?? '',
        triggerId: command.trigger_id,
        retryNum: context.retryNum,
        respond: toResponder(respond, command.channel_id, command.user_id),
      });
      reply = outcome.reply;
      work = outcome.work;
    } catch (error) {
      logger.error('slash command failed', { error: describeError(error) });
      reply = `:x: firebreak could not handle that (${describeError(error)}). Type \`${options.slack.command} help\`.`;
    }
    await ack({ response_type: 'ephemeral', text: reply });
    // Only now start the run: its first steps must not hold the acknowledgement back.
    if (work) later(work);
  });

  // Approve: acknowledge, then decide.
  app.action(ACTION_APPROVE, async ({ ack, body, action }) => {
    await ack();
    const ref = parseApprovalRef((action as { value?: string }).value);
    if (!ref)
      return logger.warn('approve button without a valid value', { slackUserId: body.user.id });
    const channelId = body.channel?.id;
    later(() =>
      approvals.decide({ ref, slackUserId: body.user.id, channelId, decision: 'approve' }),
    );
  });

  // Deny: ask for a reason first (views.open must follow the click within three seconds).
  app.action(ACTION_DENY, async ({ ack, body, action, client }) => {
    await ack();
    const ref = parseApprovalRef((action as { value?: string }).value);
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    if (!ref || !triggerId)
      return logger.warn('deny button without a valid value', { slackUserId: body.user.id });
    const channelId = body.channel?.id;
    later(async () => {
      const known = await approvals.checkKnown({
        ref,
        slackUserId: body.user.id,
        channelId,
        decision: 'deny',
      });
      if (!known) return;
      await client.views.open({ trigger_id: triggerId, view: toDenyReasonModal(ref, channelId) });
      metrics.slackApiCall('views.open', 'ok');
    });
  });

  app.view(VIEW_DENY_REASON, async ({ ack, body, view }) => {
    await ack();
    const ref = parseApprovalRef(view.private_metadata);
    const channelId = readChannelId(view.private_metadata);
    const reason = view.state.values[DENY_REASON_FIELD]?.[DENY_REASON_FIELD]?.value ?? '';
    if (!ref)
      return logger.warn('deny modal without valid metadata', { slackUserId: body.user.id });
    later(() =>
      approvals.decide({ ref, slackUserId: body.user.id, channelId, decision: 'deny', reason }),
    );
  });

  // Anything else (old buttons, other apps' modals): acknowledge so Slack shows no error.
  app.action(/^(?!firebreak_)/, async ({ ack, body }) => {
    await ack();
    logger.info('ignored an interaction firebreak does not handle', { slackUserId: body.user.id });
  });
  app.view(/^(?!firebreak_)/, async ({ ack }) => ack());
  app.error(async (error) => logger.error('bolt error', { error: describeError(error) }));

  const socket = createSocketModeConnector(app, logger);
  return {
    mode,
    app,
    publisher,
    socketConnected: () => mode === 'socket' && socket.connected(),
    noteTrigger: (note) =>
      later(async () => {
        const state = await options.driver.getRun(note.runId);
        if (state === undefined) {
          logger.warn('trigger note for a run not on record; not posted', { runId: note.runId });
          return;
        }
        const key = `${note.runbookId}:${note.incidentKey}:${note.reason}`;
        publisher.note(state, key, toTriggerNoteReply(note));
      }),
    start: async () => {
      await verifyToken(authorize, logger);
      if (mode === 'socket') await socket.connect();
    },
    idle: async () => {
      while (work.size > 0) await Promise.all([...work]);
      await publisher.idle();
      while (work.size > 0) await Promise.all([...work]);
    },
    settled: async () => {
      while (work.size > 0) await Promise.all([...work]);
      await publisher.settled();
      while (work.size > 0) await Promise.all([...work]);
    },
    stop: async () => {
      detach();
      await publisher.close();
      if (mode === 'socket') await socket.stop();
    },
  };
}

/** First and longest wait before Socket Mode tries Slack again, in milliseconds. */
const SOCKET_RETRY_FIRST_MS = 5_000;
const SOCKET_RETRY_MAX_MS = 300_000;

/**
 * Connects Socket Mode. An app token Slack refuses fails the start; Slack out of reach does
 * not: the connection is tried again in the background (5 s, doubling to 5 min), so `/sns` and
 * `/healthz` stay up through a Slack outage.
 */
function createSocketModeConnector(app: App, logger: Logger) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let connected = false;
  const attempt = async (waitMs: number): Promise<void> => {
    try {
      await app.start();
      connected = true;
      logger.info('connected to Slack (Socket Mode)');
    } catch (error) {
      if ((error as { code?: unknown }).code === webApi.ErrorCode.PlatformError) {
        throw new ChatOpsError(
          'SLACK_CONFIG_INVALID',
          `Slack refused SLACK_APP_TOKEN (${describeError(error)}); ` +
            `create an app-level token with connections:write`,
          { cause: error },
        );
      }
      if (stopped) return;
      logger.warn('Slack not reachable for Socket Mode; trying again', {
        error: describeError(error),
        retryInMs: waitMs,
      });
      timer = setTimeout(() => {
        attempt(Math.min(waitMs * 2, SOCKET_RETRY_MAX_MS)).catch((retryError: unknown) => {
          logger.error('Socket Mode stopped trying', { error: describeError(retryError) });
        });
      }, waitMs);
      timer.unref();
    }
  };
  return {
    connect: () => attempt(SOCKET_RETRY_FIRST_MS),
    connected: () => connected && !stopped,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await app.stop().catch((error: unknown) => {
        logger.warn('Socket Mode did not stop cleanly', { error: describeError(error) });
      });
    },
  };
}

/** Checks the bot token once at start, so one Slack refuses fails `serve` with a clear message. */
async function verifyToken(
  authorize: () => Promise<AuthorizeResult>,
  logger: Logger,
): Promise<void> {
  try {
    await authorize();
  } catch (error) {
    // Slack unreachable (network, 5xx) is not a wrong token: SNS intake must not wait for it.
    if ((error as { code?: unknown }).code !== webApi.ErrorCode.PlatformError) {
      logger.warn('Slack not reachable at start; the bot token is checked on first use', {
        error: describeError(error),
      });
      return;
    }
    throw new ChatOpsError(
      'SLACK_CONFIG_INVALID',
      `Slack refused SLACK_BOT_TOKEN (${describeError(error)}); install the app and copy its xoxb- token`,
      { cause: error },
    );
  }
}

function readChannelId(metadata: string | undefined): string | undefined {
  try {
    const value = JSON.parse(metadata ?? '') as { channelId?: unknown };
    return typeof value.channelId === 'string' ? value.channelId : undefined;
  } catch {
    return undefined;
  }
}
