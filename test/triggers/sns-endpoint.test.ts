import { describe, expect, it } from 'vitest';

import { createSnsDeliveryHandler } from '../../src/triggers/index.js';
import type {
  SnsDeliveryHandlerOptions,
  SnsEnvelope,
  SnsRefusal,
  TriggerEvent,
} from '../../src/triggers/index.js';
import { createCorpusFetcher, readCorpus } from './corpus.js';
import { createTestSigningKey, hasOpenssl, signEnvelope } from './signing-key.js';

const ALARM_FILE = 'notification-sv1-2022-cloudwatch-alarm.valid.json';
const ALARM_TOPIC = 'arn:aws:sns:ca-central-1:017790921725:test-sre-bot';
const ALARM_TIME_MS = Date.parse('2022-09-25T18:51:00Z');

function createHarness(overrides: Partial<SnsDeliveryHandlerOptions> = {}) {
  const notifications: Array<{ envelope: SnsEnvelope; event: TriggerEvent }> = [];
  const confirmations: Array<{ topicArn: string; token: string }> = [];
  const unsubscribes: SnsEnvelope[] = [];
  const refusals: SnsRefusal[] = [];
  const fetchCertificate = createCorpusFetcher();
  const handle = createSnsDeliveryHandler({
    allowedTopicArns: [
      ALARM_TOPIC,
      'arn:aws:sns:*:155944137683:jns-*',
      'arn:aws:sns:us-west-2:123456789012:MyTopic',
    ],
    fetchCertificate,
    confirmSubscription: async (input) => {
      confirmations.push(input);
    },
    onNotification: async (envelope, event) => {
      notifications.push({ envelope, event });
    },
    onUnsubscribeConfirmation: async (envelope) => {
      unsubscribes.push(envelope);
    },
    onRefusal: (reason) => {
      refusals.push(reason);
    },
    clock: { now: () => ALARM_TIME_MS },
    ...overrides,
  });
  return { handle, notifications, confirmations, unsubscribes, refusals, fetchCertificate };
}

function deliver(file: string, headers: Record<string, string | undefined> = {}) {
  return { body: readCorpus('sns-envelopes', file), headers };
}

describe('createSnsDeliveryHandler', () => {
  it('records a verified alarm notification with its parsed event and answers 200', async () => {
    const harness = createHarness();

    const response = await harness.handle(
      deliver(ALARM_FILE, {
        'x-amz-sns-message-type': 'Notification',
        'X-Amz-Sns-Topic-Arn': ALARM_TOPIC,
      }),
    );

    expect(response).toEqual({
      status: 200,
      outcome: 'notification-recorded',
      topicArn: ALARM_TOPIC,
      messageId: '2d3a994f-adb5-5d6f-ab5e-c2e508881361',
    });
    expect(harness.notifications).toHaveLength(1);
    expect(harness.notifications[0]?.event).toMatchObject({
      kind: 'alarm',
      alarmName: 'Test alarm',
      newState: 'ALARM',
    });
    expect(harness.refusals).toEqual([]);
  });

  it('accepts a Buffer body', async () => {
    const harness = createHarness();

    const response = await harness.handle({
      body: Buffer.from(readCorpus('sns-envelopes', ALARM_FILE)),
      headers: {},
    });

    expect(response.status).toBe(200);
  });

  it('records a plain-text notification as a text event', async () => {
    const harness = createHarness({ clock: { now: () => Date.parse('2022-09-26T19:21:00Z') } });

    const response = await harness.handle(
      deliver('notification-sv1-2022-budgets-plaintext.valid.json'),
    );

    expect(response.status).toBe(200);
    expect(harness.notifications[0]?.event).toMatchObject({
      kind: 'text',
      subject: 'AWS Budgets: Test Budget has exceeded your alert threshold',
    });
  });

  describe('when a SubscriptionConfirmation arrives', () => {
    it('confirms an allowed topic through confirmSubscription with the token', async () => {
      const harness = createHarness({ maxMessageAgeMs: Infinity });

      const response = await harness.handle(
        deliver('subscription-confirmation-sv1-2021.valid.json'),
      );

      expect(response).toMatchObject({ status: 200, outcome: 'subscription-confirmed' });
      expect(harness.confirmations).toEqual([
        {
          topicArn: 'arn:aws:sns:us-east-1:155944137683:jns-sns-s3-test',
          token: expect.stringMatching(/^2336412f37fb687f5d51e6e2425e90cc/) as unknown as string,
        },
      ]);
    });

    it('refuses a topic off the allow-list without confirming or fetching', async () => {
      const harness = createHarness({ maxMessageAgeMs: Infinity });

      const response = await harness.handle(
        deliver('subscription-confirmation-sv2-2024-sha256.valid.json'),
      );

      expect(response).toMatchObject({
        status: 403,
        outcome: 'topic-refused',
        code: 'SNS_TOPIC_NOT_ALLOWED',
        topicArn: 'arn:aws:sns:eu-central-1:466136624261:ses',
      });
      expect(harness.confirmations).toEqual([]);
      expect(harness.fetchCertificate.requests).toEqual([]);
      expect(harness.refusals).toEqual([
        {
          code: 'SNS_TOPIC_NOT_ALLOWED',
          topicArn: 'arn:aws:sns:eu-central-1:466136624261:ses',
          messageId: 'b4268362-d21f-4011-ad28-9cc811a3a5ec',
          detail:
            'topic arn:aws:sns:eu-central-1:466136624261:ses is not an allowed topic (FIREBREAK_SNS_TOPIC_ARNS)',
        },
      ]);
    });

    it('answers 500 when confirming fails, so SNS delivers again', async () => {
      const harness = createHarness({
        maxMessageAgeMs: Infinity,
        confirmSubscription: async () => {
          throw new Error('throttled');
        },
      });

      const response = await harness.handle(
        deliver('subscription-confirmation-sv1-2021.valid.json'),
      );

      expect(response).toMatchObject({ status: 500, outcome: 'record-failed' });
    });
  });

  it('refuses the docs UnsubscribeConfirmation whose signature is a placeholder', async () => {
    const real = readCorpus(
      'sns-envelopes',
      'cert-SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    );
    const harness = createHarness({
      maxMessageAgeMs: Infinity,
      fetchCertificate: createCorpusFetcher({ f3ecfb7224c7233fe7bb5f59f96de52f: real }),
    });
    const raw = readCorpus(
      'sns-envelopes',
      'http-request-unsubscribe-confirmation.awsdocs-example-signature.txt',
    );
    const body = raw.slice(raw.indexOf('\n\n') + 2);

    const response = await harness.handle({
      body,
      headers: { 'x-amz-sns-message-type': 'UnsubscribeConfirmation' },
    });

    expect(response).toMatchObject({ status: 403, code: 'SNS_SIGNATURE_INVALID' });
    expect(harness.unsubscribes).toEqual([]);
    expect(harness.confirmations).toEqual([]);
  });

  it('refuses an UnsubscribeConfirmation made by retyping a signed confirmation', async () => {
    const harness = createHarness({ maxMessageAgeMs: Infinity });
    const confirmation = JSON.parse(
      readCorpus('sns-envelopes', 'subscription-confirmation-sv1-2021.valid.json'),
    ) as Record<string, unknown>;

    const response = await harness.handle({
      body: JSON.stringify({ ...confirmation, Type: 'UnsubscribeConfirmation' }),
      headers: {},
    });

    expect(response).toMatchObject({ status: 403, code: 'SNS_SIGNATURE_INVALID' });
    expect(harness.unsubscribes).toEqual([]);
    expect(harness.confirmations).toEqual([]);
  });

  // No real signed UnsubscribeConfirmation exists, so this one is signed with a throwaway key
  // whose certificate the injected fetcher serves.
  describe.skipIf(!hasOpenssl())('with a message signed by a test key', () => {
    const key = hasOpenssl() ? createTestSigningKey('sns.amazonaws.com') : undefined;
    const hash = '0123456789abcdef0123456789abcdef';
    const unsubscribe = {
      Type: 'UnsubscribeConfirmation',
      MessageId: '47138184-6831-46b8-8f7c-afc488602d7d',
      Token: '2336412f37fb687f5d51e6e241d09c80',
      TopicArn: ALARM_TOPIC,
      Message: 'You have chosen to deactivate subscription.',
      SubscribeURL: 'https://sns.ca-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x',
      Timestamp: '2022-09-25T18:50:00.000Z',
      SignatureVersion: '2',
      SigningCertURL: `https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-${hash}.pem`,
    } as const;

    it('records a verified UnsubscribeConfirmation without confirming or visiting anything', async () => {
      const harness = createHarness({
        fetchCertificate: createCorpusFetcher({ [hash]: key?.certificatePem ?? '' }),
      });
      const signed = signEnvelope(unsubscribe, key?.privateKeyPem ?? '');

      const response = await harness.handle({ body: JSON.stringify(signed), headers: {} });

      expect(response).toMatchObject({ status: 200, outcome: 'unsubscribe-recorded' });
      expect(harness.unsubscribes.map((envelope) => envelope.MessageId)).toEqual([
        unsubscribe.MessageId,
      ]);
      expect(harness.confirmations).toEqual([]);
      expect(harness.notifications).toEqual([]);
    });

    it('refuses a certificate issued to another host', async () => {
      const other = createTestSigningKey('evil.example');
      const harness = createHarness({
        fetchCertificate: createCorpusFetcher({ [hash]: other.certificatePem }),
      });
      const signed = signEnvelope(unsubscribe, other.privateKeyPem);

      const response = await harness.handle({ body: JSON.stringify(signed), headers: {} });

      expect(response).toMatchObject({ status: 403, code: 'SNS_CERT_INVALID' });
    });

    it('refuses a certificate for sns.amazonaws.com whose key is not RSA', async () => {
      const ec = createTestSigningKey('sns.amazonaws.com', 'ec');
      const harness = createHarness({
        fetchCertificate: createCorpusFetcher({ [hash]: ec.certificatePem }),
      });
      const signed = signEnvelope(unsubscribe, ec.privateKeyPem);

      const response = await harness.handle({ body: JSON.stringify(signed), headers: {} });

      expect(response).toMatchObject({ status: 403, code: 'SNS_CERT_INVALID' });
      expect(harness.unsubscribes).toEqual([]);
    });
  });

  describe('when the delivery is refused', () => {
    it('answers 413 for a body over maxBodyBytes', async () => {
      const harness = createHarness({ maxBodyBytes: 1024 });

      const response = await harness.handle(deliver(ALARM_FILE));

      expect(response).toMatchObject({
        status: 413,
        outcome: 'body-too-large',
        code: 'SNS_BODY_TOO_LARGE',
      });
      expect(harness.refusals[0]?.detail).toMatch(/over the 1024 byte limit/);
      expect(harness.notifications).toEqual([]);
    });

    it('answers 413 for a body over the 256 KiB default', async () => {
      const harness = createHarness();

      const response = await harness.handle({ body: ' '.repeat(256 * 1024 + 1), headers: {} });

      expect(response.status).toBe(413);
    });

    it('answers 400 for invalid JSON', async () => {
      const harness = createHarness();

      const response = await harness.handle({ body: '{"Type": "Notification",', headers: {} });

      expect(response).toMatchObject({ status: 400, outcome: 'malformed', code: 'SNS_MALFORMED' });
      expect(harness.refusals[0]?.detail).toBe('SNS body is not valid JSON');
    });

    it('answers 400 for JSON that is not an SNS message', async () => {
      const harness = createHarness();

      const response = await harness.handle({ body: '{"hello":"world"}', headers: {} });

      expect(response).toMatchObject({ status: 400, code: 'SNS_MALFORMED' });
    });

    it('answers 400 when a header disagrees with the signed body', async () => {
      const harness = createHarness();

      const response = await harness.handle(
        deliver(ALARM_FILE, {
          'x-amz-sns-topic-arn': 'arn:aws:sns:ca-central-1:017790921725:other',
        }),
      );

      expect(response).toMatchObject({ status: 400, code: 'SNS_MALFORMED' });
    });

    it('answers 403 for a topic off the allow-list', async () => {
      const harness = createHarness({ allowedTopicArns: ['arn:aws:sns:*:017790921725:prod-*'] });

      const response = await harness.handle(deliver(ALARM_FILE));

      expect(response).toMatchObject({ status: 403, code: 'SNS_TOPIC_NOT_ALLOWED' });
      expect(harness.notifications).toEqual([]);
    });

    it('keeps * inside one ARN field', async () => {
      // With a * that crossed ':', this would let any account's test-sre-bot topic in.
      const harness = createHarness({ allowedTopicArns: ['arn:aws:sns:*:test-sre-bot'] });

      const response = await harness.handle(deliver(ALARM_FILE));

      expect(response).toMatchObject({ status: 403, code: 'SNS_TOPIC_NOT_ALLOWED' });
    });

    it('treats allow-list globs as literal apart from *', async () => {
      const harness = createHarness({
        allowedTopicArns: ['arn:aws:sns:ca.central.1:017790921725:test-sre-bot'],
      });

      const response = await harness.handle(deliver(ALARM_FILE));

      expect(response.status).toBe(403);
    });

    it('answers 403 for a tampered message and records nothing', async () => {
      const harness = createHarness({ allowedTopicArns: ['*'], maxMessageAgeMs: Infinity });

      const response = await harness.handle(
        deliver(
          'notification-sv1-2019-cloudwatch-insufficient-data.account-id-replaced.invalid.json',
        ),
      );

      expect(response).toMatchObject({
        status: 403,
        outcome: 'signature-refused',
        code: 'SNS_SIGNATURE_INVALID',
        messageId: '4c807a89-9ef9-543b-bfab-2f4ed41e91b4',
      });
      expect(harness.notifications).toEqual([]);
      expect(harness.refusals).toHaveLength(1);
    });

    it('answers 403 for a look-alike certificate host without fetching', async () => {
      const harness = createHarness();
      const envelope = JSON.parse(readCorpus('sns-envelopes', ALARM_FILE)) as Record<
        string,
        unknown
      >;
      const body = JSON.stringify({
        ...envelope,
        SigningCertURL:
          'https://sns.ca-central-1.amazonaws.com.evil.example/SimpleNotificationService-56e67fcb41f6fec09b0196692625d385.pem',
      });

      const response = await harness.handle({ body, headers: {} });

      expect(response).toMatchObject({ status: 403, code: 'SNS_CERT_URL_REFUSED' });
      expect(harness.fetchCertificate.requests).toEqual([]);
    });

    it('answers 403 for SignatureVersion 3', async () => {
      const harness = createHarness();
      const envelope = JSON.parse(readCorpus('sns-envelopes', ALARM_FILE)) as Record<
        string,
        unknown
      >;

      const response = await harness.handle({
        body: JSON.stringify({ ...envelope, SignatureVersion: '3' }),
        headers: {},
      });

      expect(response).toMatchObject({ status: 403, code: 'SNS_SIGNATURE_VERSION_UNSUPPORTED' });
    });

    it('answers 403 when the certificate cannot be fetched', async () => {
      const harness = createHarness({ allowedTopicArns: ['*'], maxMessageAgeMs: Infinity });

      const response = await harness.handle(
        deliver('notification-sv1-2021-cloudwatch-anomaly-detection.cert-not-in-corpus.json'),
      );

      expect(response).toMatchObject({ status: 403, code: 'SNS_CERT_FETCH_FAILED' });
    });

    it('answers 403 for a validly signed message older than maxMessageAgeMs', async () => {
      const harness = createHarness({ clock: { now: () => ALARM_TIME_MS + 25 * 3600 * 1000 } });

      const response = await harness.handle(deliver(ALARM_FILE));

      expect(response).toMatchObject({ status: 403, outcome: 'stale', code: 'SNS_MESSAGE_STALE' });
      expect(harness.fetchCertificate.requests).toEqual([]);
      expect(harness.refusals[0]?.detail).toMatch(/^message Timestamp \S+ is older than 24 h$/);
    });

    it('answers 403 for a validly signed message dated in the future', async () => {
      const harness = createHarness({ clock: { now: () => ALARM_TIME_MS - 60 * 60 * 1000 } });

      const response = await harness.handle(deliver(ALARM_FILE));

      expect(response).toMatchObject({ status: 403, outcome: 'stale', code: 'SNS_MESSAGE_STALE' });
      expect(harness.refusals[0]?.detail).toMatch(/ is in the future$/);
    });

    it('still refuses when auditing the refusal fails', async () => {
      const harness = createHarness({
        onRefusal: () => {
          throw new Error('audit store down');
        },
      });

      const response = await harness.handle({ body: 'nope', headers: {} });

      expect(response.status).toBe(400);
    });
  });

  it('answers 500 when recording a notification fails', async () => {
    const harness = createHarness({
      onNotification: async () => {
        throw new Error('queue unavailable');
      },
    });

    const response = await harness.handle(deliver(ALARM_FILE));

    expect(response).toMatchObject({ status: 500, outcome: 'record-failed' });
  });
});
