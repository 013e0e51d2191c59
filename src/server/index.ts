export { createHttpServer, DEFAULT_SNS_MAX_REQUEST_BYTES } from './create-http-server.js';
export type {
  HttpServer,
  HttpServerOptions,
  SnsRouteHandler,
  SnsRouteRequest,
} from './create-http-server.js';
export { createSlackRequestGuard, DEFAULT_SLACK_MAX_BODY_BYTES } from './slack-request-guard.js';
export type { SlackRequestGuardOptions } from './slack-request-guard.js';
export { ServerMetrics } from './server-metrics.js';
export type { ServerMetricsOptions } from './server-metrics.js';
export { createFirebreakServer, toSlackMode } from './create-firebreak-server.js';
export type { FirebreakServer, FirebreakServerOptions } from './create-firebreak-server.js';
