export { createSlackChatOps, DEFAULT_SLACK_EVENTS_PATH } from './create-slack-chat-ops.js';
export type { SlackChatOps, SlackChatOpsOptions } from './create-slack-chat-ops.js';
export { NOOP_CHATOPS_METRICS } from './chatops-metrics.js';
export type { ChatOpsMetrics, SlackApiOutcome } from './chatops-metrics.js';
export { ChatOpsError } from './errors.js';
export type { ChatOpsErrorCode } from './errors.js';
export { ApprovalHandler, toRefusalSentence } from './interactions/approval-handler.js';
export type { ApprovalHandlerOptions, SlackDecision } from './interactions/approval-handler.js';
export {
  LayeredKeyValueStore,
  MemoryKeyValueStore,
  RedisKeyValueStore,
} from './key-value-store.js';
export type { ClaimResult, KeyValueStore } from './key-value-store.js';
export { parseCommandText, parseCommandInputs, splitCommandWords } from './parse-command-text.js';
export type { ParsedCommand } from './parse-command-text.js';
export {
  RunMessagePublisher,
  DEFAULT_MIN_UPDATE_INTERVAL_MS,
  RUN_MESSAGE_TTL_MS,
} from './run-message-publisher.js';
export type { RunMessagePublisherOptions, SlackChatClient } from './run-message-publisher.js';
export {
  SlackRoleResolver,
  DEFAULT_USER_GROUP_CACHE_MS,
  DEFAULT_USER_GROUP_TIMEOUT_MS,
} from './slack-role-resolver.js';
export type { SlackRoleResolverOptions, SlackUserGroup } from './slack-role-resolver.js';
export {
  SlashCommandHandler,
  DEFAULT_COMMAND_DEDUPE_TTL_MS,
  toCommandRunId,
} from './slash-command-handler.js';
export type {
  CommandOutcome,
  EphemeralPoster,
  SlashCommandHandlerOptions,
  SlashCommandInput,
} from './slash-command-handler.js';
export { toBoltLogger } from './to-bolt-logger.js';
export {
  verifySlackSignature,
  toSlackSignature,
  SLACK_MAX_REQUEST_AGE_MS,
} from './verify-slack-signature.js';
export type {
  SlackSignatureFailure,
  SlackSignatureInput,
  SlackSignatureResult,
} from './verify-slack-signature.js';
export {
  ACTION_APPROVE,
  ACTION_DENY,
  DENY_REASON_FIELD,
  VIEW_DENY_REASON,
  parseApprovalRef,
  toApprovalMessage,
  toDenyReasonModal,
} from './views/approval-message.js';
export type { ApprovalRef } from './views/approval-message.js';
export { toRunMessage, describeTrigger } from './views/run-message.js';
export type { SlackMessage } from './views/run-message.js';
