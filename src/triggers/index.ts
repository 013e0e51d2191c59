export type {
  TriggerEvent,
  AlarmEvent,
  FindingEvent,
  TextEvent,
  UnknownEvent,
} from './trigger-event.js';
export { SnsParseError, SnsSignatureError } from './errors.js';
export type { SnsParseErrorCode, SnsSignatureErrorCode } from './errors.js';
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
