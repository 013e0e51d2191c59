import { ChatOpsError } from './errors.js';

/** A slash command, parsed. `word` is a runbook's `command:` trigger (`/ir isolate …`). */
export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'list' }
  | { readonly kind: 'run'; readonly runbook: string; readonly inputs: Record<string, string> }
  | { readonly kind: 'plan'; readonly runbook: string; readonly inputs: Record<string, string> }
  | { readonly kind: 'status'; readonly runId?: string }
  | { readonly kind: 'abort'; readonly runId: string; readonly reason: string }
  | { readonly kind: 'undo'; readonly runId: string; readonly stepId?: string }
  | { readonly kind: 'shortcut'; readonly word: string; readonly args: readonly string[] };

/** Slack escapes these three in message text; everything else arrives as typed. */
const SLACK_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Splits on spaces, keeping "quoted text" (straight or curly quotes) together. */
export function splitCommandWords(text: string): string[] {
  const decoded = text.replace(/&(amp|lt|gt);/g, (entity) => SLACK_ENTITIES[entity] ?? entity);
  const words: string[] = [];
  const pattern = /(?:[^\s"“”']+|"[^"]*"|“[^”]*”|'[^']*')+/g;
  for (const match of decoded.matchAll(pattern)) {
    words.push(match[0].replace(/["“”']/g, ''));
  }
  return words;
}

/**
 * Turns `key=value` words into run inputs.
 * @throws ChatOpsError `SLACK_COMMAND_INVALID`, quoting `usage`
 */
export function parseCommandInputs(
  words: readonly string[],
  usage: string,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf('=');
    if (at <= 0) {
      throw new ChatOpsError('SLACK_COMMAND_INVALID', `"${word}" is not key=value. Type ${usage}`);
    }
    inputs[word.slice(0, at)] = word.slice(at + 1);
  }
  return inputs;
}

function required(word: string | undefined, what: string, usage: string): string {
  if (word === undefined || word === '') {
    throw new ChatOpsError('SLACK_COMMAND_INVALID', `${what} is missing. Type ${usage}`);
  }
  return word;
}

/**
 * Parses the text after the slash command. `command` (`/ir`) only shapes the messages,
 * which always say what to type instead.
 * @throws ChatOpsError `SLACK_COMMAND_INVALID`
 */
export function parseCommandText(text: string, command: string): ParsedCommand {
  const [verb, ...rest] = splitCommandWords(text.trim());
  const usage = (args: string) => `\`${command} ${args}\``;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'list':
      return { kind: 'list' };
    case 'run':
    case 'plan': {
      const use = usage(`${verb.toLowerCase()} <runbook> key=value ...`);
      const runbook = required(rest[0], 'The runbook name', use);
      return {
        kind: verb.toLowerCase() as 'run',
        runbook,
        inputs: parseCommandInputs(rest.slice(1), use),
      };
    }
    case 'status':
      return rest[0] === undefined ? { kind: 'status' } : { kind: 'status', runId: rest[0] };
    case 'abort': {
      const use = usage('abort <run> <reason>');
      const runId = required(rest[0], 'The run id', use);
      const reason = required(rest.slice(1).join(' '), 'The reason', use);
      return { kind: 'abort', runId, reason };
    }
    case 'undo': {
      const use = usage('undo <run> [step]');
      const [runId, stepId, ...extra] = rest;
      if (extra.length > 0) {
        throw new ChatOpsError(
          'SLACK_COMMAND_INVALID',
          `undo takes one run and at most one step. Type ${use}`,
        );
      }
      const run = required(runId, 'The run id', use);
      return stepId === undefined
        ? { kind: 'undo', runId: run }
        : { kind: 'undo', runId: run, stepId };
    }
    default:
      return { kind: 'shortcut', word: verb ?? '', args: rest };
  }
}
