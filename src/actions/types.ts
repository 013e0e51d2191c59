import type { z } from 'zod';
import type { AwsClients } from '../aws/index.js';
import type { Clock, Logger } from '../shared/index.js';

/**
 * How an action stays safe when BullMQ delivers its step twice.
 * - `safe`: repeating it changes nothing (a describe, a tag with the same value).
 * - `check-then-act`: it looks at the live state first and skips what is already done.
 * - `token`: it passes an idempotency token derived from run and step to AWS.
 */
export type Idempotency = 'safe' | 'check-then-act' | 'token';

/** Where the `note` action and others write free-text notes for the run's record. */
export type NoteSink = (text: string, fields?: Record<string, unknown>) => void;

/** What a step's action gets besides its input. */
export interface ActionContext {
  readonly runId: string;
  readonly runbookId: string;
  readonly stepId: string;
  /** 1 on first delivery; higher when the step is retried or redelivered. */
  readonly attempt: number;
  /**
   * True when this delivery may repeat one whose action already began (a stalled job, a killed
   * worker): `check-then-act` and `token` actions must reconcile before acting. Optional so that
   * contexts built by hand in tests need not set it; absent means false.
   */
  readonly redelivered?: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly aws: AwsClients;
  readonly note: NoteSink;
  /** A token unique to this run and step, stable across redeliveries (for `token` actions). */
  readonly idempotencyToken: string;
  /**
   * Fires when the step gives up (its `timeout` passed): stop, and send nothing more. AWS
   * calls through `aws` already stop by themselves. Absent in contexts built by hand.
   */
  readonly signal?: AbortSignal;
}

/**
 * One change a mutating action would make, as `firebreak plan` and approvals show it:
 * `{ resource: 'eni-1', before: 'sg-a, sg-b', after: 'sg-quarantine' }`.
 */
export interface PlannedChange {
  /** What changes: an id, or an id and an attribute (`i-0abc termination protection`). */
  readonly resource: string;
  /** The live state, as text. */
  readonly before: string;
  /** The state after the action, as text. */
  readonly after: string;
}

/** What a plan computation gets: the action context without notes or delivery details. */
export type PlanContext = Pick<
  ActionContext,
  'runId' | 'runbookId' | 'stepId' | 'clock' | 'logger' | 'aws'
>;

/**
 * How a mutating action is undone: the action that reverses it, and that action's input built
 * from what this one recorded. `input` returns undefined when there is nothing to undo (the
 * action found the work already done and changed nothing).
 */
export interface UndoDefinition<TInput, TOutput> {
  /** The id of the undo action, e.g. `aws.ec2.restoreInstanceNetwork`. */
  readonly action: string;
  input(outputs: TOutput, originalInput: TInput): Record<string, unknown> | undefined;
}

/** A step action: `aws.ec2.isolateInstance`, `note`, ... */
export interface ActionDefinition<TInput = unknown, TOutput = unknown> {
  /** The name runbooks use in `action:`. */
  readonly id: string;
  /** One line for docs and `firebreak validate`. */
  readonly summary: string;
  /** The schema of `with:`; strict, so unknown argument names are refused. */
  readonly input: z.ZodType<TInput>;
  /**
   * The schema of what `run` returns (`steps.<id>.outputs`), for the action reference in the
   * docs. Optional: nothing checks outputs at run time.
   */
  readonly output?: z.ZodType<TOutput>;
  /** IAM actions the bot's role needs for this action, e.g. `ec2:DescribeInstances`. */
  readonly iamActions: readonly string[];
  /** Whether it changes anything (mutating actions deserve an approval). */
  readonly mutating: boolean;
  /**
   * Whether it takes something away (cuts traffic, disables credentials, stops an instance):
   * such steps want an approval and a recover counterpart. Default: `mutating`. Actions that
   * only add evidence (snapshots) set it to false.
   */
  readonly destructive?: boolean;
  readonly idempotency: Idempotency;
  run(input: TInput, context: ActionContext): Promise<TOutput>;
  /**
   * Mutating actions: the changes `run` would make now, from live describe calls and without
   * changing anything. Empty when there is nothing to do. Approvals show it with its hash.
   */
  plan?(input: TInput, context: PlanContext): Promise<PlannedChange[]>;
  /** Mutating actions: how `firebreak undo` reverses what `run` recorded in its output. */
  readonly undo?: UndoDefinition<TInput, TOutput>;
  /**
   * Actions that wait (`wait`): when the step is over, in ms since the epoch, read from what
   * `run` returned. Until then the step holds its run but no worker: a timer resumes it, and an
   * abort ends the run at once. Undefined or past: the step is over now.
   */
  resumeAt?(output: TOutput): number | undefined;
}

/** Any action, with its types erased, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registry erases per-action types
export type AnyActionDefinition = ActionDefinition<any, any>;
