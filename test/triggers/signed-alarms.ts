import type { CertificateFetcher } from '../../src/triggers/index.js';
import { readCorpus } from './corpus.js';
import { createTestSigningKey, signEnvelope } from './signing-key.js';

/** The topic test deliveries come from. */
export const TEST_TOPIC_ARN = 'arn:aws:sns:ap-northeast-2:257706363616:ir-alarms';

const CERT_URL =
  'https://sns.ap-northeast-2.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';

/** What to change in the corpus EC2-CPU alarm message. */
export interface AlarmChange {
  readonly alarmName?: string;
  readonly accountId?: string;
  readonly newState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly oldState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
}

/**
 * The corpus CloudWatch alarm message for `EC2-CPU` (SNS `Message` text), with the changes
 * applied; the ARN follows the account and name.
 */
export function toAlarmMessage(change: AlarmChange = {}): string {
  const file = 'sns-message.metric-alarm.INSUFFICIENT_DATA-to-ALARM.ec2-cpu.2021.json';
  const alarm = JSON.parse(readCorpus('cloudwatch-alarms', file)) as Record<string, unknown>;
  const name = change.alarmName ?? String(alarm['AlarmName']);
  const account = change.accountId ?? String(alarm['AWSAccountId']);
  return JSON.stringify({
    ...alarm,
    AlarmName: name,
    AWSAccountId: account,
    AlarmArn: `arn:aws:cloudwatch:ap-northeast-2:${account}:alarm:${name}`,
    NewStateValue: change.newState ?? alarm['NewStateValue'],
    OldStateValue: change.oldState ?? alarm['OldStateValue'],
  });
}

/** Signs SNS notifications with a throwaway key whose certificate `fetchCertificate` serves. */
export interface TestSigner {
  readonly fetchCertificate: CertificateFetcher;
  /** A signed Notification body as SNS would POST it. */
  sign(message: string, messageId: string, timestamp?: string): string;
}

/** Mints a key with openssl (about a second) and returns a signer for it. */
export function createTestSigner(): TestSigner {
  const key = createTestSigningKey('sns.amazonaws.com');
  return {
    fetchCertificate: async () => key.certificatePem,
    sign(message, messageId, timestamp = new Date().toISOString()) {
      const envelope = signEnvelope(
        {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: TEST_TOPIC_ARN,
          Message: message,
          Timestamp: timestamp,
          SignatureVersion: '2',
          SigningCertURL: CERT_URL,
        },
        key.privateKeyPem,
      );
      return JSON.stringify(envelope);
    },
  };
}
