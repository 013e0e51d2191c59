import { TriggerRuleError } from './errors.js';

/** Longest `/regex/` source a trigger rule may use, in characters. */
export const MAX_RULE_REGEX_LENGTH = 200;
/**
 * Longest value a `/regex/` rule is tested against, in characters; longer values never match
 * it. CloudWatch alarm names are at most 255 characters, so real names always fit.
 */
export const MAX_RULE_REGEX_INPUT_LENGTH = 256;
/**
 * Most long repeats (unbounded, such as `.*` and `+`, or more than 16) a `/regex/` anchored
 * with `^` may have; an unanchored one may have one fewer, since every start position
 * multiplies the work.
 */
export const MAX_RULE_REGEX_LONG_REPEATS = 2;

const LONG_REPEAT_THRESHOLD = 16;
const MAX_VARIABLE_REPEATS = 4;
const REGEX_FORM = /^\/(.+)\/(i?)$/s;

/** Tests a value against one compiled rule pattern. */
export type NamePatternMatcher = (value: string | undefined) => boolean;

interface GroupFrame {
  repeats: boolean;
  alternates: boolean;
}

interface Quantifier {
  readonly length: number;
  readonly minRepeats: number;
  readonly maxRepeats: number;
}

function refuse(pattern: string, why: string): never {
  const message = `trigger pattern ${JSON.stringify(pattern)} refused: ${why}`;
  throw new TriggerRuleError('TRIGGER_PATTERN_REFUSED', message);
}

function readQuantifier(source: string, at: number): Quantifier | undefined {
  const char = source[at];
  if (char === '*') return { length: 1, minRepeats: 0, maxRepeats: Infinity };
  if (char === '+') return { length: 1, minRepeats: 1, maxRepeats: Infinity };
  if (char === '?') return { length: 1, minRepeats: 0, maxRepeats: 1 };
  if (char !== '{') return undefined;
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at));
  if (!braces) return undefined;
  const [whole, min = '0', comma, max] = braces;
  const maxRepeats = comma === undefined ? Number(min) : max ? Number(max) : Infinity;
  return { length: whole.length, minRepeats: Number(min), maxRepeats };
}

/** Index just past a `[...]` class that opens at `at`. */
function skipClass(source: string, at: number): number {
  let index = at + 1;
  if (source[index] === '^') index++;
  if (source[index] === ']') index++;
  while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
  return index + 1;
}

function skipGroupPrefix(source: string, at: number): number {
  const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(at));
  return at + (prefix ? prefix[0].length : 1);
}

/**
 * Refuses the regex shapes that make a backtracking engine take exponential or high
 * polynomial time: back-references, a repeated group that itself repeats or alternates
 * (`(a+)+`, `(a|aa)*`), more than four repeats of variable count, and more long repeats
 * than {@link MAX_RULE_REGEX_LONG_REPEATS} (one fewer without a leading `^`). With values capped at
 * {@link MAX_RULE_REGEX_INPUT_LENGTH} characters, what is left runs in about a millisecond.
 */
function checkRegexShape(pattern: string, source: string): void {
  const frames: GroupFrame[] = [{ repeats: false, alternates: false }];
  let closedGroup: GroupFrame | undefined;
  let longRepeats = 0;
  let variableRepeats = 0;
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    const frame = frames[frames.length - 1] ?? refuse(pattern, 'unbalanced ")"');
    const quantifier = readQuantifier(source, index);
    if (quantifier) {
      if (quantifier.maxRepeats > 1 && (closedGroup?.repeats || closedGroup?.alternates)) {
        refuse(pattern, 'a repeated group must not itself repeat or alternate');
      }
      if (quantifier.maxRepeats > LONG_REPEAT_THRESHOLD) longRepeats++;
      if (quantifier.maxRepeats > Math.max(1, quantifier.minRepeats)) variableRepeats++;
      if (quantifier.maxRepeats > 1) frame.repeats = true;
      closedGroup = undefined;
      index += quantifier.length + (source[index + quantifier.length] === '?' ? 1 : 0);
      continue;
    }

    closedGroup = undefined;
    if (char === '\\') {
      if (/^[1-9]|^k</.test(source.slice(index + 1))) refuse(pattern, 'back-references');
      index += 2;
    } else if (char === '[') {
      index = skipClass(source, index);
    } else if (char === '(') {
      frames.push({ repeats: false, alternates: false });
      index = skipGroupPrefix(source, index);
    } else if (char === ')') {
      closedGroup = frames.pop();
      const parent = frames[frames.length - 1] ?? refuse(pattern, 'unbalanced ")"');
      parent.repeats ||= closedGroup?.repeats ?? false;
      index++;
    } else {
      if (char === '|') frame.alternates = true;
      index++;
    }
  }

  if (variableRepeats > MAX_VARIABLE_REPEATS) {
    refuse(pattern, `${variableRepeats} variable repeats, at most ${MAX_VARIABLE_REPEATS}`);
  }
  const anchored = source.startsWith('^');
  const limit = anchored ? MAX_RULE_REGEX_LONG_REPEATS : MAX_RULE_REGEX_LONG_REPEATS - 1;
  if (longRepeats > limit) {
    const hint = anchored ? '' : ' (anchor it with ^ to allow one more)';
    refuse(pattern, `${longRepeats} unbounded repeats such as .* or +, at most ${limit}${hint}`);
  }
}

function compileRegex(pattern: string, source: string, flags: string): NamePatternMatcher {
  if (source.length > MAX_RULE_REGEX_LENGTH) {
    refuse(pattern, `longer than ${MAX_RULE_REGEX_LENGTH} characters`);
  }
  checkRegexShape(pattern, source);
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (error) {
    const message = `trigger pattern ${JSON.stringify(pattern)} is not a valid regular expression`;
    throw new TriggerRuleError('TRIGGER_PATTERN_REFUSED', message, { cause: error });
  }
  return (value) =>
    value !== undefined && value.length <= MAX_RULE_REGEX_INPUT_LENGTH && regex.test(value);
}

/**
 * Matches `*` (any run of characters, `/` and `:` included) and `?` (one character) without
 * backtracking more than one star: O(value × pattern) at worst. `\` makes the next character
 * literal.
 */
function compileGlob(pattern: string): NamePatternMatcher {
  const tokens: string[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] ?? '';
    if (char === '\\' && index + 1 < pattern.length) tokens.push(`\\${pattern[++index]}`);
    else if (char !== '*' || tokens[tokens.length - 1] !== '*') tokens.push(char);
  }
  const isLiteral = (token: string) => token !== '*' && token !== '?';
  if (tokens.every(isLiteral)) {
    const literal = tokens.map((t) => t.slice(-1)).join('');
    return (value) => value === literal;
  }
  return (value) => value !== undefined && matchesGlobTokens(tokens, value);
}

function matchesGlobTokens(tokens: readonly string[], value: string): boolean {
  let t = 0;
  let v = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (v < value.length) {
    const token = tokens[t];
    if (token === '*') {
      starAt = t++;
      resumeAt = v;
    } else if (token !== undefined && (token === '?' || token.slice(-1) === value[v])) {
      t++;
      v++;
    } else if (starAt >= 0) {
      t = starAt + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (tokens[t] === '*') t++;
  return t === tokens.length;
}

/**
 * Compiles a trigger rule pattern once. `/source/` or `/source/i` is a regular expression,
 * checked for shapes that backtrack badly, at most {@link MAX_RULE_REGEX_LENGTH} characters
 * long, and tested only on values up to {@link MAX_RULE_REGEX_INPUT_LENGTH} characters.
 * Anything else is a glob: `*` any run of characters (including `/` and `:`, which finding
 * types contain), `?` one character, `\` escapes. A pattern without wildcards is exact.
 * @throws TriggerRuleError (`TRIGGER_PATTERN_REFUSED`) for a refused or invalid regex.
 */
export function compileNamePattern(pattern: string): NamePatternMatcher {
  const regexForm = REGEX_FORM.exec(pattern);
  if (regexForm) return compileRegex(pattern, regexForm[1] ?? '', regexForm[2] ?? '');
  return compileGlob(pattern);
}
