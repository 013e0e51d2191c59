import { X509Certificate, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import type { CertificateFetcher } from './certificate-fetcher.js';
import { SnsSignatureError } from './errors.js';
import type { SnsEnvelope, SnsMessageType } from './parse-sns-envelope.js';

/** SignatureVersion to the digest it names (RSA PKCS#1 v1.5 padding, the RSA default). */
const SIGNATURE_DIGESTS: Readonly<Record<string, string>> = {
  '1': 'sha1',
  '2': 'sha256',
};

/** Signed keys per message type, in the order SNS signs them. */
const SIGNED_KEYS: Readonly<Record<SnsMessageType, readonly (keyof SnsEnvelope)[]>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
};

// Regions look like us-east-1, us-gov-west-1, ap-southeast-5, eusc-de-east-1. The China
// partition's hosts end in .amazonaws.com.cn and only there.
const SNS_HOST = /^sns\.([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(\.cn)?$/;
const SNS_CERT_PATH = /^\/SimpleNotificationService-[0-9a-f]+\.pem$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** What a successful check proved. */
export interface SnsVerificationResult {
  readonly verified: true;
  readonly signatureVersion: '1' | '2';
  /** The certificate URL that was accepted and fetched. */
  readonly certificateUrl: string;
  readonly messageId: string;
  readonly topicArn: string;
  readonly type: SnsMessageType;
}

/** Options for {@link verifySnsSignature} and {@link createSnsSignatureVerifier}. */
export interface SnsSignatureVerifierOptions {
  /**
   * Fetches the PEM for an accepted certificate URL. Production: a cached
   * {@link createHttpsCertificateFetcher}; tests serve PEMs from files.
   */
  fetchCertificate: CertificateFetcher;
}

/** Verifies envelopes; keeps parsed public keys so a cached PEM is parsed once. */
export type SnsSignatureVerifier = (envelope: SnsEnvelope) => Promise<SnsVerificationResult>;

function refuseUrl(url: string, why: string): never {
  throw new SnsSignatureError(
    'SNS_CERT_URL_REFUSED',
    `SigningCertURL ${JSON.stringify(url)} refused: ${why}`,
  );
}

/**
 * Checks that a `SigningCertURL` can only reach an SNS signing certificate: `https:`, a host
 * that is exactly `sns.<region>.amazonaws.com` (or `.amazonaws.com.cn` for `cn-*` regions),
 * no user info, port 443, path `/SimpleNotificationService-<hex>.pem`, no query or fragment.
 * Runs before any fetch.
 * @throws SnsSignatureError (`SNS_CERT_URL_REFUSED`).
 */
export function checkSigningCertUrl(rawUrl: string): URL {
  // The URL parser silently drops tabs and newlines and reads "\" as "/": refuse such input
  // rather than reason about what it normalises to.
  if (/[\s\\]/.test(rawUrl)) refuseUrl(rawUrl, 'it contains whitespace or a backslash');

  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    refuseUrl(rawUrl, 'it is not a URL');
  }
  if (url.protocol !== 'https:') refuseUrl(rawUrl, 'it is not https');
  if (url.username !== '' || url.password !== '') refuseUrl(rawUrl, 'it carries user info');
  if (url.port !== '') refuseUrl(rawUrl, 'it names a port other than 443');

  const host = SNS_HOST.exec(url.hostname);
  if (host === null) refuseUrl(rawUrl, 'the host is not sns.<region>.amazonaws.com');
  const isChinaRegion = host[1]?.startsWith('cn-') === true;
  if (isChinaRegion !== (host[2] === '.cn')) {
    refuseUrl(rawUrl, 'the host mixes a region and a partition domain that do not go together');
  }

  if (!SNS_CERT_PATH.test(url.pathname)) {
    refuseUrl(rawUrl, 'the path is not /SimpleNotificationService-<hex>.pem');
  }
  if (url.search !== '' || url.hash !== '') refuseUrl(rawUrl, 'it has a query or fragment');
  return url;
}

/**
 * The exact string SNS signs for a message: `Key\nValue\n` for each signed key of its type,
 * in order; `Subject` only when present.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export function toSnsCanonicalString(envelope: SnsEnvelope): string {
  let canonical = '';
  for (const key of SIGNED_KEYS[envelope.Type]) {
    const value = envelope[key];
    if (value === undefined) continue;
    canonical += `${key}\n${String(value)}\n`;
  }
  return canonical;
}

function toPublicKey(pem: string, url: URL): KeyObject {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (error) {
    throw new SnsSignatureError('SNS_CERT_INVALID', `certificate at ${url.href} is not X.509 PEM`, {
      cause: error,
    });
  }

  // Validity dates are not checked on purpose: SNS keeps signing with a certificate for a
  // while, and the published samples we test against expired long ago.
  const isSnsCertificate =
    certificate.checkHost('sns.amazonaws.com') !== undefined ||
    certificate.checkHost(url.hostname) !== undefined;
  if (!isSnsCertificate) {
    throw new SnsSignatureError(
      'SNS_CERT_INVALID',
      `certificate at ${url.href} is not issued to sns.amazonaws.com (subject ${certificate.subject.replace(/\n/g, ', ')})`,
    );
  }
  // SNS signs with RSA (SHA1withRSA, SHA256withRSA); a certificate with another kind of key is
  // not one of its signing certificates, whatever its name says.
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SnsSignatureError(
      'SNS_CERT_INVALID',
      `certificate at ${url.href} has a ${key.asymmetricKeyType ?? 'unknown'} key; ` +
        `SNS signs with RSA`,
    );
  }
  return key;
}

async function fetchPem(fetchCertificate: CertificateFetcher, url: URL): Promise<string> {
  try {
    return await fetchCertificate(url);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SnsSignatureError(
      'SNS_CERT_FETCH_FAILED',
      `could not fetch SNS certificate ${url.href}: ${detail}`,
      { cause: error },
    );
  }
}

function checkSignatureVersion(envelope: SnsEnvelope): '1' | '2' {
  const version = envelope.SignatureVersion;
  if (version !== '1' && version !== '2') {
    throw new SnsSignatureError(
      'SNS_SIGNATURE_VERSION_UNSUPPORTED',
      `SNS SignatureVersion ${JSON.stringify(version)} is not supported (only "1" and "2")`,
    );
  }
  return version;
}

function isSignatureValid(envelope: SnsEnvelope, version: '1' | '2', key: KeyObject): boolean {
  const signature = envelope.Signature;
  if (!BASE64.test(signature) || signature.length % 4 !== 0) return false;

  // One call, no Verify stream. Kept synchronous: with a callback Node hands the job to its
  // thread pool, which costs the event loop more than the RSA check itself.
  const data = Buffer.from(toSnsCanonicalString(envelope), 'utf8');
  try {
    return verify(SIGNATURE_DIGESTS[version], data, key, Buffer.from(signature, 'base64'));
  } catch {
    // An RSA key that rejects the signature's length is a failed check, not a crash.
    return false;
  }
}

/** Bounded map from PEM text to its public key, so a hot certificate is parsed once. */
function createKeyCache(maxEntries: number): (pem: string, url: URL) => KeyObject {
  const keys = new Map<string, KeyObject>();
  return (pem, url) => {
    const cached = keys.get(pem);
    if (cached !== undefined) return cached;
    const key = toPublicKey(pem, url);
    if (keys.size >= maxEntries) keys.delete(keys.keys().next().value as string);
    keys.set(pem, key);
    return key;
  };
}

/**
 * Creates a verifier for SNS SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA). Order:
 * version check, certificate URL check (before any fetch), fetch, certificate check, signature.
 * Certificate validity dates are not checked.
 */
export function createSnsSignatureVerifier(
  options: SnsSignatureVerifierOptions,
): SnsSignatureVerifier {
  const toKey = createKeyCache(32);
  return async (envelope) => {
    const version = checkSignatureVersion(envelope);
    const url = checkSigningCertUrl(envelope.SigningCertURL);
    const pem = await fetchPem(options.fetchCertificate, url);
    const key = toKey(pem, url);

    if (!isSignatureValid(envelope, version, key)) {
      throw new SnsSignatureError(
        'SNS_SIGNATURE_INVALID',
        `SNS message ${envelope.MessageId} on ${envelope.TopicArn} does not match its signature`,
      );
    }
    return {
      verified: true,
      signatureVersion: version,
      certificateUrl: url.href,
      messageId: envelope.MessageId,
      topicArn: envelope.TopicArn,
      type: envelope.Type,
    };
  };
}

/**
 * Verifies one envelope's signature; see {@link createSnsSignatureVerifier}.
 * @throws SnsSignatureError with code `SNS_SIGNATURE_INVALID`,
 *   `SNS_SIGNATURE_VERSION_UNSUPPORTED`, `SNS_CERT_URL_REFUSED`, `SNS_CERT_FETCH_FAILED` or
 *   `SNS_CERT_INVALID`.
 */
export async function verifySnsSignature(
  envelope: SnsEnvelope,
  options: SnsSignatureVerifierOptions,
): Promise<SnsVerificationResult> {
  return createSnsSignatureVerifier(options)(envelope);
}
