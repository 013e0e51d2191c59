import { describe, expect, it } from 'vitest';

import {
  SnsSignatureError,
  checkSigningCertUrl,
  createSnsSignatureVerifier,
  parseSnsEnvelope,
  parseSnsHttpRequest,
  toSnsCanonicalString,
  verifySnsSignature,
} from '../../src/triggers/index.js';
import type { SnsEnvelope, SnsSignatureErrorCode } from '../../src/triggers/index.js';
import { createCorpusFetcher, listCorpus, readCorpus } from './corpus.js';

async function expectRefused(
  promise: Promise<unknown>,
  code: SnsSignatureErrorCode,
): Promise<SnsSignatureError> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}`),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SnsSignatureError);
  expect((error as SnsSignatureError).code).toBe(code);
  return error as SnsSignatureError;
}

function loadEnvelope(file: string): SnsEnvelope {
  const raw = readCorpus('sns-envelopes', file);
  return file.endsWith('.txt') ? parseSnsHttpRequest(raw).envelope : parseSnsEnvelope(raw);
}

/** Every envelope in the corpus and the outcome PROVENANCE.md gives for it. */
const EXPECTED_OUTCOMES: Readonly<Record<string, 'valid' | SnsSignatureErrorCode>> = {
  'http-request-notification.awsdocs-example-signature.txt': 'SNS_CERT_FETCH_FAILED',
  'http-request-unsubscribe-confirmation.awsdocs-example-signature.txt': 'SNS_CERT_FETCH_FAILED',
  'notification-sv1-2015-mobile-attrs.valid.json': 'valid',
  'notification-sv1-2015-verisign-cert.tampered-message.invalid.json': 'SNS_SIGNATURE_INVALID',
  'notification-sv1-2015-verisign-cert.valid.json': 'valid',
  'notification-sv1-2019-cloudwatch-insufficient-data.account-id-replaced.invalid.json':
    'SNS_SIGNATURE_INVALID',
  'notification-sv1-2019-cloudwatch-insufficient-data.valid.json': 'valid',
  'notification-sv1-2019-trailing-spaces.tampered-message.invalid.json': 'SNS_SIGNATURE_INVALID',
  'notification-sv1-2019-trailing-spaces.valid.json': 'valid',
  'notification-sv1-2019-unicode-surrogate-escape.valid.json': 'valid',
  'notification-sv1-2019.tampered-message.invalid.json': 'SNS_SIGNATURE_INVALID',
  'notification-sv1-2019.valid.json': 'valid',
  'notification-sv1-2021-cloudwatch-anomaly-detection.cert-not-in-corpus.json':
    'SNS_CERT_FETCH_FAILED',
  'notification-sv1-2021-cloudwatch-composite-alarm.lambda-record.valid.json': 'valid',
  'notification-sv1-2021-cloudwatch-metric-alarm.lambda-record.valid.json': 'valid',
  'notification-sv1-2022-budgets-plaintext.valid.json': 'valid',
  'notification-sv1-2022-cloudwatch-alarm.valid.json': 'valid',
  'notification-sv1-2022-health-abuse-reused-signature.invalid.json': 'SNS_SIGNATURE_INVALID',
  'notification-sv1-2022-lambda-style-keys.valid.json': 'valid',
  'notification-sv1-2022-sha1.valid.json': 'valid',
  'notification-sv1-2022-with-subject.valid.json': 'valid',
  'notification-sv2-2022-sha256.valid.json': 'valid',
  'notification-sv2-2022-with-subject.valid.json': 'valid',
  'subscription-confirmation-sv1-2021.valid.json': 'valid',
  'subscription-confirmation-sv2-2024-sha256.valid.json': 'valid',
};

describe('verifySnsSignature', () => {
  it('covers every envelope in the corpus', () => {
    const envelopes = listCorpus('sns-envelopes').filter((file) => !file.endsWith('.pem'));

    expect(Object.keys(EXPECTED_OUTCOMES).sort()).toEqual(envelopes);
  });

  describe('with certificates served from the corpus', () => {
    const verify = createSnsSignatureVerifier({ fetchCertificate: createCorpusFetcher() });
    const cases = Object.entries(EXPECTED_OUTCOMES);

    it.each(cases.filter(([, outcome]) => outcome === 'valid'))('accepts %s', async (file) => {
      const envelope = loadEnvelope(file);

      const result = await verify(envelope);

      expect(result).toMatchObject({
        verified: true,
        messageId: envelope.MessageId,
        topicArn: envelope.TopicArn,
        type: envelope.Type,
        signatureVersion: envelope.SignatureVersion,
      });
    });

    it.each(cases.filter(([, outcome]) => outcome !== 'valid'))(
      'refuses %s with %s',
      async (file, code) => {
        await expectRefused(verify(loadEnvelope(file)), code as SnsSignatureErrorCode);
      },
    );
  });

  it('verifies SignatureVersion 2 with SHA256', async () => {
    const envelope = loadEnvelope('notification-sv2-2022-sha256.valid.json');

    const result = await verifySnsSignature(envelope, { fetchCertificate: createCorpusFetcher() });

    expect(result.signatureVersion).toBe('2');
    expect(result.certificateUrl).toBe(
      'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    );
  });

  it('refuses the mobile-attrs message against the 2016-2017 certificate of another key', async () => {
    const unrelated = readCorpus('sns-envelopes', 'cert-sns-2016-2017-unrelated-key.pem');
    const fetchCertificate = createCorpusFetcher({ bb750dd426d95ee9390147a5624348ee: unrelated });
    const envelope = loadEnvelope('notification-sv1-2015-mobile-attrs.valid.json');

    await expectRefused(
      verifySnsSignature(envelope, { fetchCertificate }),
      'SNS_SIGNATURE_INVALID',
    );
  });

  it('refuses the docs placeholder signature even with a real certificate', async () => {
    const real = readCorpus(
      'sns-envelopes',
      'cert-SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    );
    const fetchCertificate = createCorpusFetcher({ f3ecfb7224c7233fe7bb5f59f96de52f: real });

    for (const file of [
      'http-request-notification.awsdocs-example-signature.txt',
      'http-request-unsubscribe-confirmation.awsdocs-example-signature.txt',
    ]) {
      const envelope = loadEnvelope(file);
      await expectRefused(
        verifySnsSignature(envelope, { fetchCertificate }),
        'SNS_SIGNATURE_INVALID',
      );
    }
  });

  it('reports a fetch failure with the fetcher error as cause', async () => {
    const envelope = loadEnvelope(
      'notification-sv1-2021-cloudwatch-anomaly-detection.cert-not-in-corpus.json',
    );

    const error = await expectRefused(
      verifySnsSignature(envelope, { fetchCertificate: createCorpusFetcher() }),
      'SNS_CERT_FETCH_FAILED',
    );

    expect(error.message).toContain('010a507c1833636cd94bdb98bd93083a');
    expect(error.cause).toBeInstanceOf(Error);
  });

  describe('when a signed field is changed', () => {
    const original = loadEnvelope('notification-sv1-2022-with-subject.valid.json');
    const verify = createSnsSignatureVerifier({ fetchCertificate: createCorpusFetcher() });

    it.each([
      ['Message', { Message: 'Hello world!' }],
      ['MessageId', { MessageId: '11405cc3-9ac7-56d5-b45d-079e8f7a8ee0' }],
      ['Subject', { Subject: 'Hello' }],
      ['Subject removed', { Subject: undefined }],
      ['Timestamp', { Timestamp: '2022-07-28T22:53:49.655Z' }],
      ['TopicArn', { TopicArn: 'arn:aws:sns:us-east-2:295079676684:other' }],
      ['Type', { Type: 'SubscriptionConfirmation', Token: 't', SubscribeURL: 'https://x' }],
    ] as const)('refuses a change to %s', async (_field, change) => {
      const tampered = { ...original, ...change } as SnsEnvelope;

      await expectRefused(verify(tampered), 'SNS_SIGNATURE_INVALID');
    });

    it('refuses a changed SubscribeURL on a SubscriptionConfirmation', async () => {
      const confirmation = loadEnvelope('subscription-confirmation-sv1-2021.valid.json');
      const tampered = {
        ...confirmation,
        SubscribeURL:
          'https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription',
      };

      await expectRefused(verify(tampered), 'SNS_SIGNATURE_INVALID');
    });

    it('refuses a signature that is not base64', async () => {
      await expectRefused(
        verify({ ...original, Signature: 'not base64 at all!' }),
        'SNS_SIGNATURE_INVALID',
      );
    });
  });

  describe('when the signature version is not 1 or 2', () => {
    it.each(['3', '0', '', '1 ', 'SHA256'])(
      'refuses SignatureVersion %j before any fetch',
      async (version) => {
        const fetchCertificate = createCorpusFetcher();
        const envelope = {
          ...loadEnvelope('notification-sv1-2022-sha1.valid.json'),
          SignatureVersion: version,
        };

        await expectRefused(
          verifySnsSignature(envelope, { fetchCertificate }),
          'SNS_SIGNATURE_VERSION_UNSUPPORTED',
        );
        expect(fetchCertificate.requests).toEqual([]);
      },
    );
  });

  describe('when the certificate URL is not an SNS certificate URL', () => {
    const good =
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem';
    const pem = '/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem';

    it.each([
      [
        'the SNS host as a prefix of another domain',
        `https://sns.us-east-1.amazonaws.com.evil.example${pem}`,
      ],
      ['the SNS host as a suffix of another name', `https://evilsns.us-east-1.amazonaws.com${pem}`],
      ['an extra label before the SNS host', `https://evil.sns.us-east-1.amazonaws.com${pem}`],
      ['a hyphenated look-alike', `https://sns-us-east-1.amazonaws.com${pem}`],
      ['a look-alike domain', `https://sns.us-east-1.amazonaws.co${pem}`],
      ['a trailing dot', `https://sns.us-east-1.amazonaws.com.${pem}`],
      ['http', good.replace('https:', 'http:')],
      ['userinfo hiding another host', `https://sns.us-east-1.amazonaws.com@evil.example${pem}`],
      ['userinfo on the SNS host', `https://user:pass@sns.us-east-1.amazonaws.com${pem}`],
      ['another port', `https://sns.us-east-1.amazonaws.com:8443${pem}`],
      ['a different path', 'https://sns.us-east-1.amazonaws.com/evil.pem'],
      ['a path traversal', `https://sns.us-east-1.amazonaws.com/x/..%2F..${pem}`],
      ['a nested path', `https://sns.us-east-1.amazonaws.com/redirect${pem}`],
      ['a query string', `${good}?next=https://evil.example`],
      ['a fragment', `${good}#x`],
      ['a backslash', `https://sns.us-east-1.amazonaws.com\\@evil.example${pem}`],
      ['a newline', `https://sns.us-east-1.amazon\naws.com${pem}`],
      ['an IP address', `https://52.94.0.1${pem}`],
      ['a .cn domain for a non-China region', `https://sns.us-east-1.amazonaws.com.cn${pem}`],
      ['a China region on the global domain', `https://sns.cn-north-1.amazonaws.com${pem}`],
      ['no URL at all', 'not a url'],
    ])('refuses %s before any fetch', async (_case, url) => {
      const fetchCertificate = createCorpusFetcher();
      const envelope = {
        ...loadEnvelope('notification-sv1-2022-sha1.valid.json'),
        SigningCertURL: url,
      };

      const error = await expectRefused(
        verifySnsSignature(envelope, { fetchCertificate }),
        'SNS_CERT_URL_REFUSED',
      );

      expect(error.message).toContain('SigningCertURL');
      expect(fetchCertificate.requests).toEqual([]);
    });
  });
});

describe('checkSigningCertUrl', () => {
  it.each([
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    'https://sns.ap-southeast-5.amazonaws.com:443/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
  ])('accepts %s', (url) => {
    expect(checkSigningCertUrl(url).protocol).toBe('https:');
  });
});

describe('toSnsCanonicalString', () => {
  it('signs Subject only when present', () => {
    const envelope = loadEnvelope('notification-sv1-2022-sha1.valid.json');

    expect(toSnsCanonicalString(envelope)).toBe(
      'Message\nHello world\n' +
        'MessageId\n792cda85-518f-5dd3-9163-81d851212f3a\n' +
        'Timestamp\n2022-07-28T21:23:58.317Z\n' +
        'TopicArn\narn:aws:sns:us-east-2:295079676684:publish-and-verify-892f85fe-4836-424d-8188-ab85bef0f362\n' +
        'Type\nNotification\n',
    );
  });

  it('orders SubscriptionConfirmation keys with SubscribeURL and Token', () => {
    const envelope = loadEnvelope('subscription-confirmation-sv1-2021.valid.json');
    const keys = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
    const expected = keys
      .map((key) => `${key}\n${String(envelope[key as keyof SnsEnvelope])}\n`)
      .join('');

    expect(toSnsCanonicalString(envelope)).toBe(expected);
    expect(envelope.Message).toContain('\n');
  });
});
