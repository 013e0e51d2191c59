import { execFileSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { toSnsCanonicalString } from '../../src/triggers/index.js';
import type { SnsEnvelope } from '../../src/triggers/index.js';

/** True when the openssl CLI is there to mint a throwaway certificate. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway RSA key and self-signed certificate for `commonName`. */
export interface TestSigningKey {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/**
 * Mints a key and certificate with openssl in a temporary directory, then removes it. RSA
 * unless `keyType` says `ec` (P-256), which SNS never uses.
 */
export function createTestSigningKey(
  commonName: string,
  keyType: 'rsa' | 'ec' = 'rsa',
): TestSigningKey {
  const directory = mkdtempSync(path.join(tmpdir(), 'firebreak-test-key-'));
  try {
    const keyFile = path.join(directory, 'key.pem');
    const certFile = path.join(directory, 'cert.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-nodes', '-days', '1'],
        ...(keyType === 'ec'
          ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
          : ['-newkey', 'rsa:2048']),
        ...['-keyout', keyFile, '-out', certFile, '-subj', `/CN=${commonName}`],
        ...['-addext', `subjectAltName=DNS:${commonName}`],
      ],
      { stdio: 'ignore' },
    );
    return {
      certificatePem: readFileSync(certFile, 'utf8'),
      privateKeyPem: readFileSync(keyFile, 'utf8'),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Signs an envelope the way SNS does, for the given SignatureVersion. */
export function signEnvelope(
  envelope: Omit<SnsEnvelope, 'Signature'>,
  privateKeyPem: string,
): SnsEnvelope {
  const algorithm = envelope.SignatureVersion === '1' ? 'SHA1' : 'SHA256';
  const unsigned = { ...envelope, Signature: '' };
  const signer = createSign(algorithm);
  signer.update(toSnsCanonicalString(unsigned), 'utf8');
  return { ...unsigned, Signature: signer.sign(privateKeyPem, 'base64') };
}
