import { describe, expect, it } from 'vitest';

import { toIsoTime } from '../../../src/triggers/parsers/index.js';

describe('toIsoTime', () => {
  it.each([
    ['2019-08-09T10:19:19.614+0000', '2019-08-09T10:19:19.614Z'],
    ['2021-03-07T00:30:34Z', '2021-03-07T00:30:34.000Z'],
    ['2023-08-04T12: 56: 46.138+0000', '2023-08-04T12:56:46.138Z'],
    ['2023-08-04 12:56:46+02:00', '2023-08-04T10:56:46.000Z'],
    ['2021-06-27T13:53:39.351123+0000', '2021-06-27T13:53:39.351Z'],
  ])('reads %s', (input, expected) => {
    expect(toIsoTime(input)).toBe(expected);
  });

  it.each(['XXXX-XX-XXTXX:XX:XXZ', '', 'yesterday', '2021-13-45T99:00:00Z', null, 42])(
    'leaves %j undefined',
    (input) => {
      expect(toIsoTime(input)).toBeUndefined();
    },
  );
});
