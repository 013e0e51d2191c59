import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsClientScope } from './clients.js';

/** Session tag keys firebreak sets on assumed-role sessions, so CloudTrail maps calls to runs. */
export const SESSION_TAG_RUN_ID = 'firebreak:run-id';
export const SESSION_TAG_STEP_ID = 'firebreak:step-id';
export const SESSION_TAG_REQUESTER = 'firebreak:requester';

/** Credentials are renewed this long before they expire. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/** What {@link createAssumeRoleCredentials} needs. */
export interface AssumeRoleCredentialsOptions {
  roleArn: string;
  scope: AwsClientScope;
  /** The STS client that makes the call, with the caller's own credentials. */
  sts: STSClient;
  /** The trust policy's `sts:ExternalId`, when it asks for one. */
  externalId?: string;
  /** Session length in seconds. Default 900 (AWS's minimum): one step rarely takes longer. */
  durationSeconds?: number;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
}

/** Keeps only the characters STS allows in session names and source identities. */
function toStsText(text: string, maxLength: number): string {
  const cleaned = text.replace(/[^\w+=,.@-]/g, '-').slice(0, maxLength);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/** Session tag values allow letters, digits, spaces and `_.:/=+-@`, up to 256 characters. */
function toTagValue(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-').slice(0, 256) || '-';
}

/** The AssumeRole request for one step: session name, source identity and session tags. */
export function toAssumeRoleInput(options: AssumeRoleCredentialsOptions) {
  const { scope } = options;
  return {
    RoleArn: options.roleArn,
    RoleSessionName: toStsText(`firebreak-${scope.runId}-${scope.stepId}`, 64),
    // Source identity survives role chaining and shows in CloudTrail: who asked for the run.
    SourceIdentity: toStsText(scope.requester, 64),
    Tags: [
      { Key: SESSION_TAG_RUN_ID, Value: toTagValue(scope.runId) },
      { Key: SESSION_TAG_STEP_ID, Value: toTagValue(scope.stepId) },
      { Key: SESSION_TAG_REQUESTER, Value: toTagValue(scope.requester) },
    ],
    DurationSeconds: options.durationSeconds ?? 900,
    ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
  };
}

/**
 * A credential provider that assumes `roleArn` for one run step, with the run id, step id and
 * requester as session tags and the requester as source identity (the role's trust policy must
 * allow `sts:TagSession` and `sts:SetSourceIdentity`). Calls STS once and again only shortly
 * before the credentials expire.
 */
export function createAssumeRoleCredentials(
  options: AssumeRoleCredentialsOptions,
): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  let cached: AwsCredentialIdentity | undefined;
  return async () => {
    const expiresAt = cached?.expiration?.getTime() ?? 0;
    if (cached !== undefined && expiresAt - RENEW_BEFORE_EXPIRY_MS > now()) return cached;
    const result = await options.sts.send(new AssumeRoleCommand(toAssumeRoleInput(options)));
    const credentials = result.Credentials;
    cached = {
      accessKeyId: credentials?.AccessKeyId ?? '',
      secretAccessKey: credentials?.SecretAccessKey ?? '',
      sessionToken: credentials?.SessionToken,
      expiration: credentials?.Expiration,
    };
    return cached;
  };
}

/** An STS client for the scope's region, with the caller's credentials. */
export function createStsClient(
  region: string,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined,
): STSClient {
  return new STSClient({ region, ...(credentials === undefined ? {} : { credentials }) });
}
