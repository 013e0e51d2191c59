import { SnsParseError } from './errors.js';
import { parseSnsEnvelope } from './parse-sns-envelope.js';
import type { SnsEnvelope } from './parse-sns-envelope.js';

/** A raw SNS HTTP POST (request line, headers, body), split and parsed. */
export interface SnsHttpRequest {
  readonly method: string;
  readonly path: string;
  /** Header names lower-cased; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** UTF-8 length of `body` in bytes. */
  readonly bodyBytes: number;
  /** `Content-Length` as sent, which the AWS docs example does not always match. */
  readonly declaredContentLength?: number;
  readonly envelope: SnsEnvelope;
}

const HEADER_CHECKS: ReadonlyArray<readonly [string, keyof SnsEnvelope]> = [
  ['x-amz-sns-message-type', 'Type'],
  ['x-amz-sns-message-id', 'MessageId'],
  ['x-amz-sns-topic-arn', 'TopicArn'],
];

/**
 * Checks that the unsigned `x-amz-sns-*` headers, when present, agree with the signed body.
 * A disagreement means someone rewrote one of them, so the delivery is refused as malformed.
 * @throws SnsParseError (`SNS_MALFORMED`).
 */
export function checkSnsHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  envelope: SnsEnvelope,
): void {
  for (const [header, field] of HEADER_CHECKS) {
    const value = findHeader(headers, header);
    if (value !== undefined && value !== envelope[field]) {
      throw new SnsParseError(
        `SNS header ${header} is ${JSON.stringify(value)} but the body's ${field} is ${JSON.stringify(envelope[field])}`,
      );
    }
  }
}

function findHeader(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function splitHead(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (match === null) throw new SnsParseError('SNS HTTP request has no blank line before the body');
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new SnsParseError(`SNS HTTP header line ${JSON.stringify(line)} has no name`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Parses a raw HTTP request as SNS sends it (request line, headers, blank line, JSON body), as
 * stored in the sample corpus. The body is parsed with {@link parseSnsEnvelope} and the
 * `x-amz-sns-*` headers must agree with it. A `Content-Length` that disagrees with the body
 * is reported, not refused: the AWS docs' own example has one.
 * @throws SnsParseError (`SNS_MALFORMED`).
 */
export function parseSnsHttpRequest(raw: string): SnsHttpRequest {
  const { head, body } = splitHead(raw);
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  const requestMatch = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (requestMatch === null) {
    throw new SnsParseError(`SNS HTTP request line ${JSON.stringify(requestLine)} is not valid`);
  }

  const headers = parseHeaders(headerLines);
  const lengthHeader = headers['content-length'];
  const declaredContentLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const envelope = parseSnsEnvelope(body);
  checkSnsHeaders(headers, envelope);

  return {
    method: requestMatch[1] ?? '',
    path: requestMatch[2] ?? '',
    headers,
    body,
    bodyBytes: Buffer.byteLength(body, 'utf8'),
    ...(declaredContentLength === undefined ? {} : { declaredContentLength }),
    envelope,
  };
}
