/** Outcome of one Slack Web API call, as counted. */
export type SlackApiOutcome = 'ok' | 'rate_limited' | 'error';

/** What chatops counts; the server backs it with prom-client, tests with nothing. */
export interface ChatOpsMetrics {
  /** One Web API call (`chat.update`, `views.open`...) and how it went. */
  slackApiCall(method: string, outcome: SlackApiOutcome): void;
  /** A request refused before it reached a run (signature, role, parse...). */
  requestRefused(reason: string): void;
  /** A decision accepted, with the time since the approval was asked for, in milliseconds. */
  approvalDecided(decision: 'approve' | 'deny', waitMs: number): void;
}

/** Metrics that go nowhere. */
export const NOOP_CHATOPS_METRICS: ChatOpsMetrics = {
  slackApiCall: () => undefined,
  requestRefused: () => undefined,
  approvalDecided: () => undefined,
};
