export type {
  TriggerEvent,
  AlarmEvent,
  FindingEvent,
  TextEvent,
  UnknownEvent,
} from './trigger-event.js';
export { SnsParseError, SnsSignatureError, TriggerRuleError } from './errors.js';
export type { SnsParseErrorCode, SnsSignatureErrorCode, TriggerRuleErrorCode } from './errors.js';
export { parseSnsEnvelope } from './parse-sns-envelope.js';
export type { SnsEnvelope, SnsMessageType, SnsMessageAttribute } from './parse-sns-envelope.js';
export { parseSnsHttpRequest, checkSnsHeaders } from './parse-sns-http-request.js';
export type { SnsHttpRequest } from './parse-sns-http-request.js';
export {
  verifySnsSignature,
  createSnsSignatureVerifier,
  checkSigningCertUrl,
  toSnsCanonicalString,
} from './verify-sns-signature.js';
export type {
  SnsVerificationResult,
  SnsSignatureVerifier,
  SnsSignatureVerifierOptions,
} from './verify-sns-signature.js';
export {
  createHttpsCertificateFetcher,
  createCachedCertificateFetcher,
  DEFAULT_CERT_FETCH_TIMEOUT_MS,
  DEFAULT_CERT_MAX_BYTES,
  DEFAULT_CERT_CACHE_MAX_ENTRIES,
} from './certificate-fetcher.js';
export type {
  CertificateFetcher,
  HttpsCertificateFetcherOptions,
  CachedCertificateFetcherOptions,
} from './certificate-fetcher.js';
export {
  parseTriggerMessage,
  parseTriggerJson,
  parseCloudWatchAlarmMessage,
  parseAlarmStateChangeEvent,
  parseLambdaAlarmAction,
  parseGuardDutyEvent,
  parseSecurityHubEvent,
} from './parsers/index.js';
export {
  createSnsDeliveryHandler,
  DEFAULT_SNS_MAX_BODY_BYTES,
  DEFAULT_SNS_MAX_MESSAGE_AGE_MS,
} from './sns-endpoint.js';
export type {
  SnsDeliveryHandler,
  SnsDeliveryHandlerOptions,
  SnsDeliveryRequest,
  SnsDeliveryResponse,
  SnsDeliveryOutcome,
  SnsRefusal,
  SnsRefusalCode,
} from './sns-endpoint.js';
export {
  compileNamePattern,
  MAX_RULE_REGEX_LENGTH,
  MAX_RULE_REGEX_INPUT_LENGTH,
  MAX_RULE_REGEX_LONG_REPEATS,
} from './compile-name-pattern.js';
export type { NamePatternMatcher } from './compile-name-pattern.js';
export {
  createTriggerMatcher,
  checkTriggerRules,
  matchTriggerRules,
  matchesRule,
  incidentKeyOf,
  resolveIncidentKey,
  resolveTriggerMatch,
  severityLabelOf,
} from './match-trigger-rules.js';
export type { TriggerMatch, TriggerMatcher, TriggerRuleHit } from './match-trigger-rules.js';
export type {
  DedupeStore,
  DeliveryClaim,
  DeliveryClaimRequest,
  IncidentClaim,
  IncidentRequest,
} from './dedupe-store.js';
export { MemoryDedupeStore, DEFAULT_MEMORY_DEDUPE_MAX_ENTRIES } from './memory-dedupe-store.js';
export type { MemoryDedupeStoreOptions } from './memory-dedupe-store.js';
export { RedisDedupeStore, DEFAULT_DEDUPE_KEY_PREFIX } from './redis-dedupe-store.js';
export type { RedisDedupeStoreOptions } from './redis-dedupe-store.js';
export {
  createSnsIntake,
  summarizeTriggerEvent,
  DEFAULT_INCIDENT_WINDOW_MS,
  DEFAULT_MESSAGE_TTL_MS,
} from './sns-intake.js';
export type {
  SnsIntake,
  SnsIntakeOptions,
  SnsIntakeResult,
  TriggerNote,
  TriggerNoteReason,
  TriggerOutcome,
  TriggerRefusalCode,
} from './sns-intake.js';
export {
  createSnsRoute,
  createSnsRouteForRuntime,
  ENV_SNS_TOPIC_ARNS,
} from './create-sns-route.js';
export type {
  SnsRouteOptions,
  SnsRouteRuntime,
  SnsRouteForRuntimeOptions,
} from './create-sns-route.js';
