import { createHash } from 'node:crypto';
import type { ActionRegistry } from '../actions/index.js';
import type { AuditSink } from '../audit/index.js';
import type { AwsClients } from '../aws/index.js';
import type { RunDriver, RunRequest, RunState } from '../engine/index.js';
import { abortRefusal, isFinished } from '../engine/index.js';
import { resolveInputs } from '../runbook/index.js';
import type { RunbookCatalog, RunbookDocument } from '../runbook/index.js';
import { createRunId, describeError, FirebreakError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import { NOOP_CHATOPS_METRICS } from './chatops-metrics.js';
import type { ChatOpsMetrics } from './chatops-metrics.js';
import { computePlanReply } from './compute-plan-reply.js';
import { ChatOpsError } from './errors.js';
import type { KeyValueStore } from './key-value-store.js';
import { parseCommandInputs, parseCommandText } from './parse-command-text.js';
import { prepareUndo } from './prepare-undo.js';
import type { SlackRoleResolver } from './slack-role-resolver.js';
import { toHelpText, toRunbookList, toRunStatus, toRunsInFlight } from './views/command-replies.js';
import { toUndoStartedReply } from './views/undo-reply.js';
import { toAccountLabel, escapeSlackText } from './views/slack-text.js';

/** How long an acknowledged undo blocks a second one before its run is visible, in ms. */
const UNDO_LAUNCH_HOLD_MS = 60_000;

/** How long a slash command's trigger id is remembered against Slack retries: 15 minutes. */
export const DEFAULT_COMMAND_DEDUPE_TTL_MS = 15 * 60 * 1000;

/** A slash command as Slack sends it, reduced to what firebreak uses. */
export interface SlashCommandInput {
  readonly teamId: string;
  readonly userId: string;
  readonly channelId: string;
  /** The command as typed (`/ir`); commands other than ours are answered with help. */
  readonly command: string;
  readonly text: string;
  /** Unique per invocation, and the same on Slack's retries of it. */
  readonly triggerId?: string;
  /** `X-Slack-Retry-Num`, when Slack is retrying. */
  readonly retryNum?: number;
  /**
   * Answers the command later, only to the user who typed it (Slack's `response_url`, good
   * for five answers within 30 minutes). Default: `chat.postEphemeral` in the command's channel.
   */
  readonly respond?: (text: string) => Promise<void>;
}

/** What to answer at once (ephemeral), and the work to do after answering. */
export interface CommandOutcome {
  readonly reply: string;
  readonly work?: () => Promise<void>;
}

/** Tells one user something only they see. */
export type EphemeralPoster = (channelId: string, userId: string, text: string) => Promise<void>;

/** Options for {@link SlashCommandHandler}. */
export interface SlashCommandHandlerOptions {
  readonly driver: RunDriver;
  readonly catalog: RunbookCatalog;
  readonly roles: Pick<SlackRoleResolver, 'rolesOf'>;
  readonly audit: AuditSink;
  /** Records which channel a new run's message goes to. */
  readonly publisher: { setChannel(runId: string, channelId: string): Promise<void> };
  /** Remembers trigger ids so that a retried command starts nothing new. */
  readonly dedupe: KeyValueStore;
  readonly postEphemeral: EphemeralPoster;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Our slash command, e.g. `/ir`. */
  readonly command: string;
  /** Whether runs act on the simulated account (said in every reply that starts one). */
  readonly simulated: boolean;
  /** How long trigger ids are remembered, in milliseconds. Default 15 minutes. */
  readonly dedupeTtlMs?: number;
  readonly metrics?: ChatOpsMetrics;
  /** The actions runs use: `plan` asks them for their changes, `undo` for their undo. */
  readonly actions?: ActionRegistry;
  /** The clients `plan` reads live state with (describe calls only). */
  readonly aws?: AwsClients;
}

/**
 * The slash command router. Its answer is cheap to compute (parse, look up, check roles) so
 * it goes back in Slack's acknowledgement; anything that changes a run happens in `work`,
 * after the acknowledgement, so Slack's three-second limit is never at risk.
 */
export class SlashCommandHandler {
  private readonly metrics: ChatOpsMetrics;
  /** Undo runs acknowledged but not started yet, by the run they undo (with when). */
  private readonly undoLaunching = new Map<string, { undoRunId: string; atMs: number }>();

  constructor(private readonly options: SlashCommandHandlerOptions) {
    this.metrics = options.metrics ?? NOOP_CHATOPS_METRICS;
  }

  /** Parses and answers one command; errors become replies that say what to type instead. */
  async handle(input: SlashCommandInput): Promise<CommandOutcome> {
    const { command } = this.options;
    if (input.command !== command) {
      return { reply: `firebreak answers \`${command}\`. Type \`${command} help\`.` };
    }
    try {
      return await this.route(input);
    } catch (error) {
      if (error instanceof FirebreakError) {
        this.metrics.requestRefused(error.code);
        return { reply: `:warning: ${escapeSlackText(error.message)}` };
      }
      throw error;
    }
  }

  private async route(input: SlashCommandInput): Promise<CommandOutcome> {
    const { command, driver } = this.options;
    const parsed = parseCommandText(input.text, command);
    switch (parsed.kind) {
      case 'help':
        return { reply: toHelpText(command) };
      case 'list':
        return { reply: toRunbookList(this.options.catalog.list(), command) };
      case 'run':
        return this.startRun(input, this.findRunbook(parsed.runbook), parsed.inputs);
      case 'shortcut': {
        const runbook = this.findShortcut(parsed.word);
        const usage = `\`${command} ${parsed.word} key=value ...\``;
        return this.startRun(input, runbook, parseCommandInputs(parsed.args, usage));
      }
      case 'plan':
        return this.planRun(input, this.findRunbook(parsed.runbook), parsed.inputs);
      case 'undo':
        return this.undoRun(input, parsed.runId, parsed.stepId);
      case 'status': {
        const nowMs = this.options.clock.now();
        if (parsed.runId !== undefined) {
          return { reply: toRunStatus(await this.findRun(parsed.runId), nowMs) };
        }
        return { reply: toRunsInFlight(await driver.listRuns(), command, nowMs) };
      }
      case 'abort':
        return this.abortRun(input, await this.findRun(parsed.runId), parsed.reason);
    }
  }

  private findRunbook(name: string): RunbookDocument {
    const runbook = this.options.catalog.find(name);
    if (runbook) return runbook;
    const known =
      this.options.catalog
        .list()
        .map((r) => r.name)
        .join(', ') || 'none';
    throw new ChatOpsError(
      'SLACK_COMMAND_INVALID',
      `There is no runbook "${name}" (known: ${known}). Type \`${this.options.command} list\`.`,
    );
  }

  private findShortcut(word: string): RunbookDocument {
    const runbook = this.options.catalog
      .list()
      .find((r) => r.triggers.some((t) => t.command === word));
    if (runbook) return runbook;
    const { command } = this.options;
    throw new ChatOpsError(
      'SLACK_COMMAND_INVALID',
      `"${word}" is not a command. Type \`${command} help\` (or \`${command} run <runbook> key=value ...\`).`,
    );
  }

  private async findRun(runId: string): Promise<RunState> {
    const run = await this.options.driver.getRun(runId);
    if (run) return run;
    throw new ChatOpsError(
      'SLACK_COMMAND_INVALID',
      `There is no run "${runId}". Type \`${this.options.command} status\` to see runs in flight.`,
    );
  }

  /** A refusal when the user may not start `runbook`; `what` names the attempt in it. */
  private async checkMayRun(
    input: SlashCommandInput,
    runbook: RunbookDocument,
    what: string,
    runId?: string,
  ): Promise<CommandOutcome | undefined> {
    const roles = await this.options.roles.rolesOf(input.userId);
    const allowed = runbook.permissions?.run;
    if (roles.length > 0 && (!allowed || allowed.some((r) => roles.includes(r)))) return undefined;
    const needs = allowed?.join(', ') ?? 'any firebreak role';
    return this.refuse(
      input,
      'RUN_NOT_ALLOWED',
      `You need one of these roles to ${what}: ${needs}. Ask an IR lead to add you to the role map.`,
      runId,
    );
  }

  /** Checks inputs on the request, so that a typo is answered with the usage at once. */
  private checkInputs(runbook: RunbookDocument, inputs: Record<string, string>, verb: string) {
    try {
      resolveInputs(runbook, inputs);
    } catch (error) {
      const names = Object.keys(runbook.inputs)
        .map((n) => `${n}=…`)
        .join(' ');
      const usage = `\`${this.options.command} ${verb} ${runbook.name} ${names}\``;
      throw new ChatOpsError('SLACK_COMMAND_INVALID', `${describeError(error)}. Type ${usage}`, {
        cause: error,
      });
    }
  }

  private async startRun(
    input: SlashCommandInput,
    runbook: RunbookDocument,
    inputs: Record<string, string>,
  ): Promise<CommandOutcome> {
    const refusal = await this.checkMayRun(input, runbook, `run ${runbook.name}`);
    if (refusal) return refusal;
    this.checkInputs(runbook, inputs, 'run');

    const runId = toCommandRunId(input);
    const where = toAccountLabel({ simulated: this.options.simulated });
    const retry = input.retryNum ? ' (Slack retried this command; it runs once)' : '';
    const reply = `:rocket: Starting *${runbook.name}* as \`${runId}\` on the ${where}; progress follows in this channel.${retry}`;
    const request = { runbookId: runbook.name, inputs, requester: input.userId, runId };
    return { reply, work: () => this.launch(input, request) };
  }

  /**
   * Claims a command's trigger id; false when a delivery of it (Slack retries a command it
   * did not see acknowledged in time) already claimed it, and so did the work.
   */
  private async claim(input: SlashCommandInput, value: string): Promise<boolean> {
    if (input.triggerId === undefined) return true;
    const key = `slack:command:${input.teamId}:${input.triggerId}`;
    const ttlMs = this.options.dedupeTtlMs ?? DEFAULT_COMMAND_DEDUPE_TTL_MS;
    const claim = await this.options.dedupe.claim(key, value, ttlMs);
    if (claim.claimed) return true;
    // The value is the run the command started (`plan:<runbook>` for a plan).
    this.options.logger.info('slash command already handled; not doing it again', {
      runId: claim.value,
      retryNum: input.retryNum,
    });
    this.metrics.requestRefused('SLACK_RETRY_DUPLICATE');
    return false;
  }

  /** Answers the user who typed the command, after the acknowledgement. */
  private async answerLater(input: SlashCommandInput, text: string): Promise<void> {
    if (input.respond) return input.respond(text);
    await this.options.postEphemeral(input.channelId, input.userId, text);
  }

  /** Starts a run once per command, in the command's channel. */
  private async launch(
    input: SlashCommandInput,
    request: Omit<RunRequest, 'trigger' | 'runId'> & { readonly runId: string },
  ): Promise<void> {
    const { driver, logger, publisher } = this.options;
    const { runId, runbookId } = request;
    if (!(await this.claim(input, runId))) return;
    await publisher.setChannel(runId, input.channelId);
    try {
      await driver.startRun({ ...request, trigger: { source: 'slack' } });
    } catch (error) {
      logger.error('run could not start', { runId, runbookId, error: describeError(error) });
      const text = `:x: \`${runId}\` (${runbookId}) could not start: ${escapeSlackText(describeError(error))}`;
      await this.options.postEphemeral(input.channelId, input.userId, text);
    }
  }

  /** `plan`: checked on the request; the plan itself reads AWS, so it is answered later. */
  private async planRun(
    input: SlashCommandInput,
    runbook: RunbookDocument,
    inputs: Record<string, string>,
  ): Promise<CommandOutcome> {
    const { actions, aws } = this.options;
    if (actions === undefined || aws === undefined) throw this.notSetUp('plan');
    const refusal = await this.checkMayRun(input, runbook, `plan ${runbook.name}`);
    if (refusal) return refusal;
    this.checkInputs(runbook, inputs, 'plan');

    const where = toAccountLabel({ simulated: aws.simulated });
    const reply = `:hourglass_flowing_sand: Planning *${runbook.name}* from live state on the ${where}; the plan follows here, only for you.`;
    const { clock, command, logger } = this.options;
    const planOptions = { runbook, inputs, actions, aws, clock, logger, command };
    const work = async () => {
      if (!(await this.claim(input, `plan:${runbook.name}`))) return;
      const text = await computePlanReply({ ...planOptions, requester: input.userId });
      await this.answerLater(input, text);
    };
    return { reply, work };
  }

  /**
   * `undo`: the undo is built on the request, so that an unknown or unfinished run, or one with
   * nothing to undo, is refused at once; the undo run starts after the acknowledgement.
   */
  private async undoRun(
    input: SlashCommandInput,
    runId: string,
    stepId: string | undefined,
  ): Promise<CommandOutcome> {
    const { actions, catalog, command, driver } = this.options;
    if (actions === undefined) throw this.notSetUp('undo');
    const undoRunId = toCommandRunId(input);
    // A retry arrives after the first delivery started the undo, which now counts as in flight.
    if (input.retryNum && (await driver.getRun(undoRunId))) {
      return {
        reply: `:rewind: \`${undoRunId}\` is undoing ${runId}; progress follows in this channel. (Slack retried this command; it runs once)`,
      };
    }
    const requester = input.userId;
    const { run, undo } = await prepareUndo(
      { runId, stepId, requester },
      { driver, catalog, actions, command },
    );
    const refusal = await this.checkMayRun(input, undo.runbook, `undo ${run.runId}`, run.runId);
    if (refusal) return refusal;
    // The undo starts after the acknowledgement: until then prepareUndo cannot see it, so a
    // second /ir undo of the same run in that moment is refused here.
    const nowMs = this.options.clock.now();
    const launching = this.undoLaunching.get(run.runId);
    // An entry whose work never ran (the acknowledgement failed) stops counting after a minute.
    if (launching !== undefined && nowMs - launching.atMs < UNDO_LAUNCH_HOLD_MS) {
      throw new ChatOpsError(
        'SLACK_COMMAND_INVALID',
        `\`${launching.undoRunId}\` is already undoing ${run.runId}. Let it finish, ` +
          `or type \`${command} abort ${launching.undoRunId} <reason>\`.`,
      );
    }
    this.undoLaunching.set(run.runId, { undoRunId, atMs: nowMs });

    const where = toAccountLabel({ simulated: this.options.simulated });
    const reply = toUndoStartedReply(run, undo, undoRunId, where);
    // The undo runbook travels in the request (and the run's state), not in the catalog.
    const request = { ...undo.request, runId: undoRunId };
    const work = async () => {
      try {
        await this.launch(input, request);
      } finally {
        this.undoLaunching.delete(run.runId);
      }
    };
    return { reply, work };
  }

  private notSetUp(verb: 'plan' | 'undo'): ChatOpsError {
    const { command } = this.options;
    return new ChatOpsError(
      'SLACK_COMMAND_INVALID',
      `\`${command} ${verb}\` is not set up on this server (it was started without actions and AWS clients); use \`firebreak ${verb}\` from the CLI.`,
    );
  }

  private async abortRun(
    input: SlashCommandInput,
    run: RunState,
    reason: string,
  ): Promise<CommandOutcome> {
    if (isFinished(run)) {
      const text = `\`${run.runId}\` is already ${run.status}; there is nothing to abort. Type \`${this.options.command} status\`.`;
      return { reply: text };
    }
    const roles = await this.options.roles.rolesOf(input.userId);
    const runbook = run.inlineRunbook ?? this.options.catalog.find(run.runbookId);
    const needs = abortRefusal(run, runbook, input.userId, roles);
    if (needs !== undefined) {
      return this.refuse(
        input,
        'ABORT_NOT_ALLOWED',
        `Only the requester or someone with one of these roles may abort ${run.runId}: ${needs}.`,
        run.runId,
      );
    }
    const work = async () => {
      const outcome = await this.options.driver.abort(run.runId, input.userId, reason);
      if (outcome.accepted) return;
      const text = `:warning: \`${run.runId}\` was not aborted: ${escapeSlackText(outcome.refusal.message)}`;
      await this.options.postEphemeral(input.channelId, input.userId, text);
    };
    return {
      reply: `:octagonal_sign: Aborting \`${run.runId}\`: ${escapeSlackText(reason)}`,
      work,
    };
  }

  private async refuse(
    input: SlashCommandInput,
    code: string,
    message: string,
    runId?: string,
  ): Promise<CommandOutcome> {
    this.metrics.requestRefused(code);
    this.options.logger.warn('slash command refused', { code, slackUserId: input.userId, runId });
    await this.options.audit.append({
      type: 'request.refused',
      runId,
      actor: input.userId,
      data: {
        source: 'slack',
        code,
        reason: message,
        channelId: input.channelId,
        teamId: input.teamId,
      },
    });
    return { reply: `:no_entry: ${escapeSlackText(message)}` };
  }
}

/**
 * The run id of a slash command: derived from its trigger id, so that Slack's retries of one
 * command name the same run (and the acknowledgement can name it before the run exists).
 */
export function toCommandRunId(input: Pick<SlashCommandInput, 'teamId' | 'triggerId'>): string {
  if (input.triggerId === undefined) return createRunId();
  const digest = createHash('sha256').update(`${input.teamId}:${input.triggerId}`).digest('hex');
  return `run-${digest.slice(0, 12)}`;
}
