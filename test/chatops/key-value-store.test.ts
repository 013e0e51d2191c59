import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  LayeredKeyValueStore,
  MemoryKeyValueStore,
  RedisKeyValueStore,
} from '../../src/chatops/index.js';
import { VirtualClock } from '../../src/shared/index.js';

describe('MemoryKeyValueStore', () => {
  it('keeps the first claim and forgets it after its time to live', async () => {
    const clock = new VirtualClock(0);
    const store = new MemoryKeyValueStore(clock);

    expect(await store.claim('k', 'a', 1000)).toEqual({ claimed: true, value: 'a' });
    expect(await store.claim('k', 'b', 1000)).toEqual({ claimed: false, value: 'a' });
    clock.advanceTo(1000);
    expect(await store.claim('k', 'c', 1000)).toEqual({ claimed: true, value: 'c' });
  });
});

describe('RedisKeyValueStore', () => {
  let redis: Redis;
  const prefix = `firebreak-test:${process.pid}:${Date.now()}:`;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('lets one of two servers claim a slash command', async () => {
    const serverA = new LayeredKeyValueStore(
      new MemoryKeyValueStore(new VirtualClock(0)),
      new RedisKeyValueStore(redis, prefix),
    );
    const serverB = new LayeredKeyValueStore(
      new MemoryKeyValueStore(new VirtualClock(0)),
      new RedisKeyValueStore(redis, prefix),
    );

    const [a, b] = await Promise.all([
      serverA.claim('slack:command:T1:trig', 'run-a', 60_000),
      serverB.claim('slack:command:T1:trig', 'run-b', 60_000),
    ]);

    expect([a.claimed, b.claimed].sort()).toEqual([false, true]);
    expect(a.value).toBe(b.value);
    expect(await redis.pttl(`${prefix}slack:command:T1:trig`)).toBeGreaterThan(59_000);
  });
});
