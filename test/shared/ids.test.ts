import { describe, expect, it } from 'vitest';
import { createUniqueTokens } from '../../src/shared/index.js';

describe('createUniqueTokens', () => {
  it('never gives the same token twice, within a source or across two (processes)', () => {
    const one = createUniqueTokens();
    const two = createUniqueTokens();
    const tokens = [...Array.from({ length: 500 }, one), ...Array.from({ length: 500 }, two)];

    expect(new Set(tokens).size).toBe(1000);
  });
});
