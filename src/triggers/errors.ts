import { FirebreakError } from '../shared/errors.js';
import type { FirebreakErrorOptions } from '../shared/errors.js';

/** Stable codes for {@link SnsParseError}. */
export type SnsParseErrorCode = 'SNS_MALFORMED';

/**
 * An SNS delivery that is not valid JSON or not the shape SNS sends. The message names the
 * field that is wrong. Answer 400.
 */
export class SnsParseError extends FirebreakError {
  declare readonly code: SnsParseErrorCode;

  constructor(message: string, options: FirebreakErrorOptions = {}) {
    super('SNS_MALFORMED', message, options);
  }
}

/** Stable codes for {@link SnsSignatureError}. */
export type SnsSignatureErrorCode =
  /** The signature does not match the canonical string under the certificate's key. */
  | 'SNS_SIGNATURE_INVALID'
  /** `SignatureVersion` is neither "1" (SHA1withRSA) nor "2" (SHA256withRSA). */
  | 'SNS_SIGNATURE_VERSION_UNSUPPORTED'
  /** `SigningCertURL` is not an https URL of an SNS certificate on an SNS host. */
  | 'SNS_CERT_URL_REFUSED'
  /** The certificate fetcher failed (network, timeout, size, status). */
  | 'SNS_CERT_FETCH_FAILED'
  /** What the fetcher returned is not a usable X.509 certificate for SNS. */
  | 'SNS_CERT_INVALID';

/** A signature check that did not pass: the message must not be acted on. Answer 403. */
export class SnsSignatureError extends FirebreakError {
  declare readonly code: SnsSignatureErrorCode;

  constructor(code: SnsSignatureErrorCode, message: string, options: FirebreakErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Stable codes for {@link TriggerRuleError}. */
export type TriggerRuleErrorCode =
  /** A `/regex/` rule pattern is invalid or has a shape that can backtrack for seconds. */
  | 'TRIGGER_PATTERN_REFUSED'
  /** A trigger rule's `dedupeWindow` or `incidentKey` cannot be used. */
  | 'TRIGGER_RULE_INVALID';

/**
 * A runbook trigger rule that cannot be compiled. Raised when the rules are loaded, so a bad
 * rule stops the server at start instead of failing on the first alarm.
 */
export class TriggerRuleError extends FirebreakError {
  declare readonly code: TriggerRuleErrorCode;

  constructor(code: TriggerRuleErrorCode, message: string, options: FirebreakErrorOptions = {}) {
    super(code, message, options);
  }
}
