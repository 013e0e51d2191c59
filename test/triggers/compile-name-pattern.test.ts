import { describe, expect, it } from 'vitest';

import {
  MAX_RULE_REGEX_INPUT_LENGTH,
  TriggerRuleError,
  compileNamePattern,
} from '../../src/triggers/index.js';

function refusalOf(pattern: string): TriggerRuleError {
  try {
    compileNamePattern(pattern);
  } catch (error) {
    if (error instanceof TriggerRuleError) return error;
    throw error;
  }
  return expect.fail(`${pattern} was accepted`);
}

describe('compileNamePattern', () => {
  describe('with a glob', () => {
    it.each([
      ['CryptoCurrency:EC2/*', 'CryptoCurrency:EC2/BitcoinTool.B!DNS', true],
      ['CryptoCurrency:EC2/*', 'CryptoCurrency:Lambda/BitcoinTool.B', false],
      ['*:EC2/*', 'Backdoor:EC2/Spambot', true],
      ['Backdoor:*', 'Backdoor:EC2/C&CActivity.B!DNS', true],
      ['*Spambot', 'Backdoor:EC2/Spambot', true],
      ['*Spambot', 'Backdoor:EC2/Spambots', false],
      ['EC2-CPU', 'EC2-CPU', true],
      ['EC2-CPU', 'ec2-cpu', false],
      ['EC2-?PU', 'EC2-CPU', true],
      ['EC2-?PU', 'EC2-PU', false],
      ['a*b*c', 'aXXbYYbZZc', true],
      ['a*b*c', 'aXXbYYbZZ', false],
      ['prod \\*', 'prod *', true],
      ['prod \\*', 'prod x', false],
      ['Test alarm', 'Test alarm', true],
    ])('matches %s against %s: %s', (pattern, value, expected) => {
      expect(compileNamePattern(pattern)(value)).toBe(expected);
    });

    it('never matches a missing value', () => {
      expect(compileNamePattern('*')(undefined)).toBe(false);
    });

    it('matches a many-star glob against a long hostile value', () => {
      // A backtracking matcher would not finish this within the test timeout.
      const matcher = compileNamePattern('*-*-*-*-*-*-*-*x');

      expect(matcher('-'.repeat(10_000))).toBe(false);
      expect(matcher(`${'-'.repeat(10_000)}x`)).toBe(true);
    });
  });

  describe('with a /regex/', () => {
    it.each([
      ['/^prod-.*-cpu$/', 'prod-web-cpu', true],
      ['/^prod-.*-cpu$/', 'staging-web-cpu', false],
      ['/^(EC2-CPU|ServerCpuTooHigh)$/', 'ServerCpuTooHigh', true],
      ['/cpu/i', 'EC2-CPU', true],
      ['/cpu/', 'EC2-CPU', false],
      ['/^i-[0-9a-f]{8,17}$/', 'i-0f672ea50a80cda4b', true],
      ['/^a\\/b$/', 'a/b', true],
    ])('matches %s against %s: %s', (pattern, value, expected) => {
      expect(compileNamePattern(pattern)(value)).toBe(expected);
    });

    it('does not test values longer than the input limit', () => {
      const matcher = compileNamePattern('/^a+$/');

      expect(matcher('a'.repeat(MAX_RULE_REGEX_INPUT_LENGTH))).toBe(true);
      expect(matcher('a'.repeat(MAX_RULE_REGEX_INPUT_LENGTH + 1))).toBe(false);
    });

    it.each([
      ['/(a+)+$/', 'repeated group'],
      ['/^(a*)*b/', 'repeated group'],
      ['/^(a|aa)+$/', 'repeated group'],
      ['/^((ab)+c)*$/', 'repeated group'],
      ['/^(?:x\\d+)+$/', 'repeated group'],
      ['/(a)\\1/', 'back-references'],
      ['/(?<n>a)\\k<n>/', 'back-references'],
      ['/.*.*x/', 'anchor it with ^'],
      ['/^\\w+\\w+\\w+x/', 'at most 2'],
      ['/^a{0,100}b{1,}c*/', 'at most 2'],
      ['/^a?b{1,3}c{0,2}d{2,5}e{1,4}f{0,3}/', 'variable repeats'],
      ['/[/', 'not a valid regular expression'],
      ['/(a/', 'not a valid regular expression'],
      [`/${'a'.repeat(201)}/`, 'longer than 200'],
    ])('refuses %s (%s)', (pattern, why) => {
      const error = refusalOf(pattern);

      expect(error.code).toBe('TRIGGER_PATTERN_REFUSED');
      expect(error.message).toContain(why);
    });

    it('accepts two long repeats when anchored, and answers on hostile input', () => {
      const matcher = compileNamePattern('/^.*.*x/');

      expect(matcher('a'.repeat(MAX_RULE_REGEX_INPUT_LENGTH))).toBe(false);
      expect(matcher(`${'a'.repeat(100)}x`)).toBe(true);
    });

    it('accepts a repeated group that neither repeats inside nor alternates', () => {
      expect(compileNamePattern('/^(ab)+$/')('ababab')).toBe(true);
      expect(compileNamePattern('/^(ab)?c$/')('c')).toBe(true);
    });

    it('accepts quantifier characters inside a class', () => {
      expect(compileNamePattern('/^[*+?]+$/')('*+?')).toBe(true);
    });
  });
});
