import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { checkRedisReachable, toSafeRedisUrl } from '../../src/queue/index.js';
import { createThrottledWarning } from '../../src/queue/check-redis.js';
import { freePort } from '../integration/own-redis-server.js';

describe('checkRedisReachable', () => {
  it('says which Redis cannot be reached and why, without its password', async () => {
    const url = `redis://:s3cret@127.0.0.1:${await freePort()}`;
    const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    redis.on('error', () => undefined);
    try {
      const check = checkRedisReachable(redis, url, 600);

      await expect(check).rejects.toMatchObject({
        code: 'REDIS_UNREACHABLE',
        message: expect.stringMatching(
          /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(connect ECONNREFUSED .*\); start redis-server or fix REDIS_URL/,
        ),
      });
    } finally {
      redis.disconnect();
    }
  });

  it('passes for the test Redis', async () => {
    const url = inject('redisUrl');
    const redis = new Redis(url);
    try {
      await expect(checkRedisReachable(redis, url)).resolves.toBeUndefined();
    } finally {
      await redis.quit();
    }
  });

  it('hides the password of a URL in messages', () => {
    expect(toSafeRedisUrl('redis://user:pw@h:1/0')).toBe('redis://user:***@h:1/0');
    expect(toSafeRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});

describe('createThrottledWarning', () => {
  it('says the same error once per period, and a new one at once', () => {
    const said: string[] = [];
    const logger = {
      warn: (msg: string, fields?: { error?: string }) => said.push(`${msg}: ${fields?.error}`),
    };
    const warn = createThrottledWarning(logger as never, 'worker error', 60_000);

    for (let i = 0; i < 50; i++) warn(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    warn(new Error('NOAUTH Authentication required'));

    expect(said).toEqual([
      'worker error: connect ECONNREFUSED 127.0.0.1:6379',
      'worker error: NOAUTH Authentication required',
    ]);
  });
});
