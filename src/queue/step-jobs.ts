/** The BullMQ queue every step and timer goes through. */
export const STEP_QUEUE_NAME = 'steps';

/**
 * Default number of completed jobs BullMQ keeps: none. A completed step's outcome is in its
 * run's state and the audit log; keeping the job costs Redis work on every step.
 */
export const DEFAULT_COMPLETED_JOBS_KEPT = 0;

/** Default number of failed jobs BullMQ keeps, for inspection (and to retry them by id). */
export const DEFAULT_FAILED_JOBS_KEPT = 5000;

/** What a step job carries: which delivery of which step. */
export interface StepJobData {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly approved: boolean;
  /**
   * For an approved delivery: when the approval it acts on was asked for. A step whose plan
   * changed after approval asks again; the delivery approved the second time is another job.
   */
  readonly approvalAtMs?: number;
  /**
   * The run's state version that scheduled this delivery. The job is sent alongside the commit
   * of that version; a worker that reads an older version puts the job back for a moment.
   */
  readonly version?: number;
}

/** How long a step job that arrived before its commit waits before it is tried again, in ms. */
export const EARLY_STEP_JOB_DELAY_MS = 5;

/**
 * How long a step job may wait for the commit that scheduled it, in ms. One older than this
 * waits for a commit that was refused (another process changed the run first) or never sent;
 * it is dropped, and the sweeper queues whatever the run needs.
 */
export const EARLY_STEP_JOB_GIVE_UP_MS = 60_000;

/** What a timer job (an approval deadline, a retry's wait) carries. */
export interface TimerJobData {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** When the timer is due, ms since the epoch. */
  readonly atMs: number;
}

/** BullMQ job ids may not contain `:`; run ids given by callers might. */
function jobKey(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replaceAll(':', '_')).join('.');
}

/** The job id of one delivery of a step: duplicates of it collapse in BullMQ. */
export function stepJobId(data: StepJobData): string {
  const which = !data.approved
    ? 'first'
    : data.approvalAtMs === undefined
      ? 'approved'
      : `approved-${data.approvalAtMs}`;
  return jobKey(data.runId, data.stepId, data.attempt, which);
}

/**
 * The job names of timers: `deadline` feeds `deadline_reached`, `retry` feeds `retry_due`,
 * `wait` feeds `wait_over`.
 */
export type TimerJobName = 'deadline' | 'retry' | 'wait';

/** The job id of a timer; the due time is part of it, as an escalation sets a second deadline. */
export function timerJobId(name: TimerJobName, data: TimerJobData): string {
  return jobKey(data.runId, data.stepId, data.attempt, name, data.atMs);
}
