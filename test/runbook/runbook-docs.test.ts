import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../src/main.js';
import {
  renderActionReference,
  renderFieldReference,
  replaceGeneratedSection,
  toRunbookJsonSchema,
} from '../../src/runbook/index.js';

const DOCS = 'docs/runbooks.md';
const SCHEMA = 'docs/runbook.schema.json';
// Set UPDATE_DOCS=1 to rewrite the generated parts instead of comparing them.
const updating = process.env.UPDATE_DOCS === '1';

/** Table cells without padding, so that `npm run format` aligning the tables changes nothing. */
function normalized(text: string): string {
  const unpad = (line: string) => line.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
  return text
    .split('\n')
    .map((line) => (line.startsWith('|') ? unpad(line) : line))
    .join('\n')
    .trim();
}

function regenerated(current: string): string {
  const withFields = replaceGeneratedSection(current, 'fields', renderFieldReference());
  return replaceGeneratedSection(
    withFields,
    'actions',
    renderActionReference(createActionRegistry()),
  );
}

describe('docs/runbooks.md', () => {
  it('matches the field and action reference generated from the code', () => {
    const current = readFileSync(DOCS, 'utf8');
    const expected = regenerated(current);
    if (updating) writeFileSync(DOCS, expected);
    expect(normalized(current)).toBe(normalized(expected));
  });

  it('documents every registered action with its IAM actions', () => {
    const text = readFileSync(DOCS, 'utf8');
    for (const action of createActionRegistry().list()) {
      expect(text).toContain(`### \`${action.id}\``);
      for (const iam of action.iamActions) expect(text).toContain(`\`${iam}\``);
    }
  });
});

describe('docs/runbook.schema.json', () => {
  it('is the output of firebreak schema', () => {
    const schema = toRunbookJsonSchema();
    if (updating) writeFileSync(SCHEMA, `${JSON.stringify(schema, null, 2)}\n`);
    expect(JSON.parse(readFileSync(SCHEMA, 'utf8'))).toEqual(schema);
  });

  it('is what the shipped runbooks point their editors at', () => {
    const first = readFileSync('runbooks/ec2-compromised-instance.yaml', 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../docs/runbook.schema.json');
  });
});
