import type { TriggerEvent } from '../trigger-event.js';
import { isObject } from './json-fields.js';
import type { JsonObject } from './json-fields.js';
import {
  isAlarmStateChangeEvent,
  isLambdaAlarmAction,
  parseAlarmStateChangeEvent,
  parseLambdaAlarmAction,
} from './parse-alarm-state-change.js';
import {
  isCloudWatchAlarmMessage,
  parseCloudWatchAlarmMessage,
} from './parse-cloudwatch-alarm-message.js';
import { isGuardDutyEvent, parseGuardDutyEvent } from './parse-guardduty-event.js';
import { isSecurityHubEvent, parseSecurityHubEvent } from './parse-securityhub-event.js';

interface MessageParser {
  matches(json: JsonObject): boolean;
  parse(json: JsonObject): TriggerEvent | undefined;
}

const PARSERS: readonly MessageParser[] = [
  { matches: isCloudWatchAlarmMessage, parse: parseCloudWatchAlarmMessage },
  { matches: isAlarmStateChangeEvent, parse: parseAlarmStateChangeEvent },
  { matches: isLambdaAlarmAction, parse: parseLambdaAlarmAction },
  { matches: isGuardDutyEvent, parse: parseGuardDutyEvent },
  { matches: isSecurityHubEvent, parse: parseSecurityHubEvent },
];

function parseJsonMessage(message: string): { json: unknown } | undefined {
  const trimmed = message.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return { json: JSON.parse(trimmed) as unknown };
  } catch {
    // Text that merely starts with a brace is still text.
    return undefined;
  }
}

/** Classifies a parsed JSON message; well-formed JSON of any other shape is `unknown`. */
export function parseTriggerJson(json: unknown): TriggerEvent {
  if (isObject(json)) {
    for (const parser of PARSERS) {
      if (!parser.matches(json)) continue;
      const event = parser.parse(json);
      if (event !== undefined) return event;
    }
  }
  return { kind: 'unknown', raw: json };
}

/**
 * Turns an SNS `Message` (and its `Subject`) into a {@link TriggerEvent}: a CloudWatch alarm
 * (SNS alarm JSON, EventBridge "CloudWatch Alarm State Change", Lambda alarm-action payload),
 * a GuardDuty or Security Hub finding, plain text, or `unknown` for JSON of any other shape.
 * Never throws: what arrives here is outside data, and an odd message must be recorded, not
 * crash the endpoint.
 */
export function parseTriggerMessage(message: string, subject?: string): TriggerEvent {
  const parsed = parseJsonMessage(message);
  if (parsed !== undefined) return parseTriggerJson(parsed.json);
  return subject === undefined || subject === ''
    ? { kind: 'text', text: message }
    : { kind: 'text', text: message, subject };
}
