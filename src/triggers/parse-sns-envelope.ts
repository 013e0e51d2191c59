import { SnsParseError } from './errors.js';

/** The three message types SNS delivers to an HTTP(S) endpoint. */
export type SnsMessageType =
  'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** One SNS message attribute as delivered (`{"Type":"String","Value":"token"}`). */
export interface SnsMessageAttribute {
  readonly Type: string;
  readonly Value: string;
}

/**
 * An SNS message, normalised from the HTTP delivery body or a Lambda SNS record. Key casing
 * follows the HTTP delivery (`SigningCertURL`, `UnsubscribeURL`).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 */
export interface SnsEnvelope {
  readonly Type: SnsMessageType;
  readonly MessageId: string;
  readonly TopicArn: string;
  /** Present only when the publisher set one; a JSON `null` becomes undefined. */
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  /** As sent; the verifier decides which versions it accepts. */
  readonly SignatureVersion: string;
  readonly Signature: string;
  readonly SigningCertURL: string;
  /** SubscriptionConfirmation and UnsubscribeConfirmation only. Never visit it blindly. */
  readonly SubscribeURL?: string;
  readonly UnsubscribeURL?: string;
  /** SubscriptionConfirmation and UnsubscribeConfirmation only. */
  readonly Token?: string;
  readonly MessageAttributes?: Readonly<Record<string, SnsMessageAttribute>>;
}

const MESSAGE_TYPES: readonly string[] = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function toJson(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;

  let text: string;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    throw new SnsParseError('SNS body is not valid UTF-8', { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SnsParseError('SNS body is not valid JSON', { cause: error });
  }
}

/** Finds the SNS message inside a Lambda event (`Records[0].Sns`), a record, or a bare body. */
function unwrapLambda(json: JsonObject): JsonObject {
  const records = own(json, 'Records');
  if (records !== undefined) {
    if (!Array.isArray(records) || records.length !== 1) {
      throw new SnsParseError('SNS Lambda event must hold exactly one record in "Records"');
    }
    const record: unknown = records[0];
    if (!isObject(record))
      throw new SnsParseError('SNS Lambda record "Records[0]" is not an object');
    return unwrapLambda(record);
  }

  const sns = own(json, 'Sns');
  if (sns === undefined) return json;

  const source = own(json, 'EventSource');
  if (source !== undefined && source !== 'aws:sns') {
    throw new SnsParseError(
      `Lambda record "EventSource" is ${JSON.stringify(source)}, not aws:sns`,
    );
  }
  if (!isObject(sns)) throw new SnsParseError('Lambda record "Sns" is not an object');
  return sns;
}

function requireString(json: JsonObject, key: string, ...aliases: string[]): string {
  const value = optionalString(json, key, ...aliases);
  if (value === undefined || value === '') {
    throw new SnsParseError(`SNS message has no "${key}" string`);
  }
  return value;
}

function optionalString(json: JsonObject, key: string, ...aliases: string[]): string | undefined {
  for (const name of [key, ...aliases]) {
    const value = own(json, name);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new SnsParseError(`SNS message field "${name}" is ${typeof value}, not a string`);
    }
    return value;
  }
  return undefined;
}

function parseMessageAttributes(
  json: JsonObject,
): Readonly<Record<string, SnsMessageAttribute>> | undefined {
  const raw = own(json, 'MessageAttributes');
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw))
    throw new SnsParseError('SNS message field "MessageAttributes" is not an object');

  const attributes: Record<string, SnsMessageAttribute> = Object.create(null) as Record<
    string,
    SnsMessageAttribute
  >;
  for (const [name, attribute] of Object.entries(raw)) {
    // The HTTP body uses Type/Value; Lambda records also use Type/Value.
    const type = isObject(attribute) ? own(attribute, 'Type') : undefined;
    const value = isObject(attribute) ? own(attribute, 'Value') : undefined;
    if (typeof type !== 'string' || typeof value !== 'string') {
      throw new SnsParseError(`SNS message attribute "${name}" has no Type and Value strings`);
    }
    attributes[name] = { Type: type, Value: value };
  }
  return attributes;
}

function parseType(json: JsonObject): SnsMessageType {
  const type = requireString(json, 'Type');
  if (!MESSAGE_TYPES.includes(type)) {
    throw new SnsParseError(`SNS message "Type" ${JSON.stringify(type)} is not one SNS sends`);
  }
  return type as SnsMessageType;
}

/**
 * Parses an SNS message: the HTTP(S) delivery body (a string, bytes or already-parsed JSON), a
 * Lambda SNS event (`{Records:[{EventSource:'aws:sns', Sns:{...}}]}`), one such record, or the
 * bare `Sns` object with its `SigningCertUrl` / `UnsubscribeUrl` casing. Checks shape only;
 * the signature is {@link verifySnsSignature}'s job.
 * @throws SnsParseError (`SNS_MALFORMED`) naming what is wrong.
 */
export function parseSnsEnvelope(body: string | unknown): SnsEnvelope {
  const json = toJson(body);
  if (!isObject(json)) throw new SnsParseError('SNS body is not a JSON object');

  const message = unwrapLambda(json);
  const type = parseType(message);
  const isConfirmation = type !== 'Notification';
  const envelope: SnsEnvelope = {
    Type: type,
    MessageId: requireString(message, 'MessageId'),
    TopicArn: requireString(message, 'TopicArn'),
    Subject: optionalString(message, 'Subject'),
    Message: requireString(message, 'Message'),
    Timestamp: requireString(message, 'Timestamp'),
    SignatureVersion: requireString(message, 'SignatureVersion'),
    Signature: requireString(message, 'Signature'),
    SigningCertURL: requireString(message, 'SigningCertURL', 'SigningCertUrl'),
    SubscribeURL: isConfirmation
      ? requireString(message, 'SubscribeURL', 'SubscribeUrl')
      : optionalString(message, 'SubscribeURL', 'SubscribeUrl'),
    UnsubscribeURL: optionalString(message, 'UnsubscribeURL', 'UnsubscribeUrl'),
    Token: isConfirmation ? requireString(message, 'Token') : optionalString(message, 'Token'),
    MessageAttributes: parseMessageAttributes(message),
  };
  return dropUndefined(envelope);
}

function dropUndefined<T extends object>(value: T): T {
  const entries = Object.entries(value).filter(([, field]) => field !== undefined);
  return Object.fromEntries(entries) as T;
}
