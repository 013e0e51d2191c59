import { describe, expect, it } from 'vitest';

import { SnsParseError, parseSnsEnvelope, parseSnsHttpRequest } from '../../src/triggers/index.js';
import { listCorpus, readCorpus } from './corpus.js';

function expectMalformed(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SnsParseError);
    expect((error as SnsParseError).code).toBe('SNS_MALFORMED');
    expect((error as SnsParseError).message).toMatch(message);
    return;
  }
  expect.fail('expected an SnsParseError');
}

const envelopeFiles = listCorpus('sns-envelopes').filter((file) => file.endsWith('.json'));

describe('parseSnsEnvelope', () => {
  it.each(envelopeFiles)('parses corpus envelope %s', (file) => {
    const envelope = parseSnsEnvelope(readCorpus('sns-envelopes', file));

    expect(['Notification', 'SubscriptionConfirmation']).toContain(envelope.Type);
    expect(envelope.SigningCertURL).toMatch(/^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com\//);
    expect(envelope.Signature.length).toBeGreaterThan(100);
  });

  it('reads the HTTP layout with Subject and MessageAttributes', () => {
    const envelope = parseSnsEnvelope(
      readCorpus('sns-envelopes', 'notification-sv1-2015-mobile-attrs.valid.json'),
    );

    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId: 'd39649d4-bf5b-5b80-af75-07acb3dd9b4a',
      TopicArn: 'arn:aws:sns:us-east-1:810605503585:just_testing',
      Subject: 'this is raw',
      Message: 'boo',
      SignatureVersion: '1',
    });
    expect(envelope.MessageAttributes?.['AWS.SNS.MOBILE.WNS.Type']).toEqual({
      Type: 'String',
      Value: 'wns/badge',
    });
  });

  it('normalises Lambda-style SigningCertUrl and UnsubscribeUrl keys', () => {
    const envelope = parseSnsEnvelope(
      readCorpus('sns-envelopes', 'notification-sv1-2022-lambda-style-keys.valid.json'),
    );

    expect(envelope.SigningCertURL).toBe(
      'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
    );
    expect(envelope.UnsubscribeURL).toMatch(
      /^https:\/\/sns\.us-east-2\.amazonaws\.com\/\?Action=Unsubscribe/,
    );
    expect(envelope).not.toHaveProperty('SigningCertUrl');
  });

  it('unwraps a single Lambda SNS record', () => {
    const envelope = parseSnsEnvelope(
      readCorpus(
        'sns-envelopes',
        'notification-sv1-2021-cloudwatch-composite-alarm.lambda-record.valid.json',
      ),
    );

    expect(envelope.MessageId).toBe('12c36222-e1fe-56f5-9540-3827d55d7732');
    expect(envelope.Subject).toBe(
      'ALARM: "if-sim-app_427809481713_us-east-1-test_node_monitor" in US East (N. Virginia)',
    );
    expect(envelope.MessageAttributes).toEqual({});
  });

  it('unwraps a Lambda event with a Records array', () => {
    const record = JSON.parse(
      readCorpus(
        'sns-envelopes',
        'notification-sv1-2021-cloudwatch-metric-alarm.lambda-record.valid.json',
      ),
    ) as unknown;

    const envelope = parseSnsEnvelope({ Records: [record] });

    expect(envelope.MessageId).toBe('57c992bc-21f6-5a74-bda5-c8b9155571ca');
  });

  it('accepts the bare Sns object of a Lambda record', () => {
    const record = JSON.parse(
      readCorpus(
        'sns-envelopes',
        'notification-sv1-2021-cloudwatch-metric-alarm.lambda-record.valid.json',
      ),
    ) as { Sns: unknown };

    expect(parseSnsEnvelope(record.Sns).TopicArn).toBe(
      'arn:aws:sns:us-east-1:427809481713:if-sim-app-AWSCloudWatchDiagnostics',
    );
  });

  it('treats a null Subject as absent', () => {
    const envelope = parseSnsEnvelope(
      readCorpus(
        'guardduty',
        'sns-lambda-record.guardduty-finding.Backdoor-EC2-Spambot.subject-null.json',
      ),
    );

    expect(envelope).not.toHaveProperty('Subject');
    expect(envelope.SigningCertURL).toContain('010a507c1833636cd94bdb98bd93083a');
  });

  it('keeps an empty Subject as sent', () => {
    const envelope = parseSnsEnvelope(
      readCorpus(
        'sns-envelopes',
        'notification-sv1-2022-health-abuse-reused-signature.invalid.json',
      ),
    );

    expect(envelope.Subject).toBe('');
  });

  it('decodes a JSON surrogate pair to the emoji', () => {
    const envelope = parseSnsEnvelope(
      readCorpus('sns-envelopes', 'notification-sv1-2019-unicode-surrogate-escape.valid.json'),
    );

    expect(envelope.Message).toBe('A Test Banana:\u{1F34C}');
  });

  it('reads a SubscriptionConfirmation with Token and SubscribeURL', () => {
    const envelope = parseSnsEnvelope(
      readCorpus('sns-envelopes', 'subscription-confirmation-sv2-2024-sha256.valid.json'),
    );

    expect(envelope.Type).toBe('SubscriptionConfirmation');
    expect(envelope.TopicArn).toBe('arn:aws:sns:eu-central-1:466136624261:ses');
    expect(envelope.Token).toMatch(/^2336412f37fb687f5d51e6e2425ba1f2/);
    expect(envelope.SubscribeURL).toMatch(
      /^https:\/\/sns\.eu-central-1\.amazonaws\.com\/\?Action=ConfirmSubscription/,
    );
  });

  it('accepts bytes', () => {
    const body = Buffer.from(readCorpus('sns-envelopes', 'notification-sv1-2022-sha1.valid.json'));

    expect(parseSnsEnvelope(body).Message).toBe('Hello world');
  });

  describe('when the input is malformed', () => {
    const valid = JSON.parse(
      readCorpus('sns-envelopes', 'notification-sv1-2022-sha1.valid.json'),
    ) as Record<string, unknown>;

    it('refuses text that is not JSON', () => {
      expectMalformed(() => parseSnsEnvelope('{"Type": "Notification"'), /not valid JSON/);
    });

    it('refuses JSON that is not an object', () => {
      expectMalformed(() => parseSnsEnvelope('[1, 2]'), /not a JSON object/);
    });

    it('refuses an unknown Type', () => {
      expectMalformed(() => parseSnsEnvelope({ ...valid, Type: 'Surprise' }), /"Surprise"/);
    });

    it('names a missing field', () => {
      const { Signature: _signature, ...rest } = valid;
      expectMalformed(() => parseSnsEnvelope(rest), /"Signature"/);
    });

    it('names a field of the wrong type', () => {
      expectMalformed(() => parseSnsEnvelope({ ...valid, Message: 42 }), /"Message" is number/);
    });

    it('refuses a SubscriptionConfirmation without a Token', () => {
      const confirmation = JSON.parse(
        readCorpus('sns-envelopes', 'subscription-confirmation-sv1-2021.valid.json'),
      ) as Record<string, unknown>;
      const { Token: _token, ...rest } = confirmation;

      expectMalformed(() => parseSnsEnvelope(rest), /"Token"/);
    });

    it('refuses a Lambda record from another event source', () => {
      expectMalformed(
        () => parseSnsEnvelope({ EventSource: 'aws:sqs', Sns: valid }),
        /EventSource/,
      );
    });

    it('refuses a Lambda event with two records', () => {
      const record = { EventSource: 'aws:sns', Sns: valid };
      expectMalformed(() => parseSnsEnvelope({ Records: [record, record] }), /exactly one record/);
    });

    it('refuses bytes that are not UTF-8', () => {
      expectMalformed(() => parseSnsEnvelope(Buffer.from([0x7b, 0xff, 0x7d])), /UTF-8/);
    });

    it('refuses malformed message attributes', () => {
      expectMalformed(
        () => parseSnsEnvelope({ ...valid, MessageAttributes: { a: { Type: 'String' } } }),
        /attribute "a"/,
      );
    });
  });
});

describe('parseSnsHttpRequest', () => {
  it('splits the AWS docs notification request into headers and envelope', () => {
    const request = parseSnsHttpRequest(
      readCorpus('sns-envelopes', 'http-request-notification.awsdocs-example-signature.txt'),
    );

    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['x-amz-sns-message-type']).toBe('Notification');
    expect(request.headers['user-agent']).toBe('Amazon Simple Notification Service Agent');
    expect(request.declaredContentLength).toBe(773);
    expect(request.bodyBytes).toBe(773);
    expect(request.envelope).toMatchObject({
      Type: 'Notification',
      MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
      TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
      Subject: 'My First Message',
      Message: 'Hello world!',
    });
  });

  it('parses the docs UnsubscribeConfirmation despite its wrong Content-Length', () => {
    const request = parseSnsHttpRequest(
      readCorpus(
        'sns-envelopes',
        'http-request-unsubscribe-confirmation.awsdocs-example-signature.txt',
      ),
    );

    expect(request.envelope.Type).toBe('UnsubscribeConfirmation');
    expect(request.envelope.Token).toMatch(/^2336412f37fb687f5d51e6e241d09c80/);
    expect(request.declaredContentLength).toBe(1399);
    expect(request.bodyBytes).toBe(1401);
  });

  it('refuses a message-type header that disagrees with the body', () => {
    const raw = readCorpus(
      'sns-envelopes',
      'http-request-notification.awsdocs-example-signature.txt',
    );
    const forged = raw.replace(
      'x-amz-sns-message-type: Notification',
      'x-amz-sns-message-type: SubscriptionConfirmation',
    );

    expectMalformed(() => parseSnsHttpRequest(forged), /x-amz-sns-message-type/);
  });

  it('refuses a request without a blank line before the body', () => {
    expectMalformed(() => parseSnsHttpRequest('POST / HTTP/1.1\nHost: x'), /blank line/);
  });
});
