import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChatOpsMetrics, SlackApiOutcome } from '../chatops/index.js';
import type { RunDriver } from '../engine/index.js';
import { isFinished } from '../engine/index.js';

/** Options for {@link ServerMetrics}. */
export interface ServerMetricsOptions {
  /** Counts runs in flight at each scrape; omit to leave the gauge out. */
  readonly driver?: Pick<RunDriver, 'listRuns'>;
  /** Adds Node's process metrics (CPU, memory, event loop lag). Default true. */
  readonly collectProcessMetrics?: boolean;
}

/** Request durations, in seconds: fine below 50 ms, where Slack acknowledgements should be. */
const HTTP_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3];
/** Approval waits, in seconds: a minute to a day. */
const APPROVAL_BUCKETS_S = [10, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600];

/**
 * The Prometheus metrics `firebreak serve` exposes on `/metrics`, in a registry of their own
 * (so tests can build several servers in one process).
 */
export class ServerMetrics implements ChatOpsMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'route' | 'status'>;
  private readonly apiCalls: Counter<'method' | 'outcome'>;
  private readonly refused: Counter<'reason'>;
  private readonly approvalWait: Histogram<'decision'>;

  constructor(options: ServerMetricsOptions = {}) {
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'firebreak_http_request_duration_seconds',
      help: 'Time from request to response, by route; for /slack/events this is the ack latency',
      labelNames: ['route', 'status'],
      buckets: HTTP_BUCKETS_S,
      registers,
    });
    this.apiCalls = new Counter({
      name: 'firebreak_slack_api_calls_total',
      help: 'Slack Web API calls made for run messages and replies, by outcome',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.refused = new Counter({
      name: 'firebreak_requests_refused_total',
      help: 'Requests refused before reaching a run (signature, role, late or duplicate click...)',
      labelNames: ['reason'],
      registers,
    });
    this.approvalWait = new Histogram({
      name: 'firebreak_approval_wait_seconds',
      help: 'Time from an approval being asked for to a decision from Slack',
      labelNames: ['decision'],
      buckets: APPROVAL_BUCKETS_S,
      registers,
    });
    const driver = options.driver;
    if (driver) {
      new Gauge({
        name: 'firebreak_runs_in_flight',
        help: 'Runs not yet finished, as the run driver reports them',
        registers,
        async collect() {
          this.set((await driver.listRuns()).filter((run) => !isFinished(run)).length);
        },
      });
    }
    if (options.collectProcessMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'firebreak_' });
    }
  }

  /** Records one HTTP request's duration in milliseconds. */
  observeRequest(route: string, status: number, durationMs: number): void {
    this.httpDuration.observe({ route, status: String(status) }, durationMs / 1000);
  }

  slackApiCall(method: string, outcome: SlackApiOutcome): void {
    this.apiCalls.inc({ method, outcome });
  }

  requestRefused(reason: string): void {
    this.refused.inc({ reason });
  }

  approvalDecided(decision: 'approve' | 'deny', waitMs: number): void {
    this.approvalWait.observe({ decision }, waitMs / 1000);
  }
}
