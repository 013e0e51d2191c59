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

  it('renews and releases a key only for the value it holds', async () => {
    const clock = new VirtualClock(0);
    const store = new MemoryKeyValueStore(clock);
    await store.claim('lease', 'A', 1000);

    expect(await store.renew('lease', 'B', 5000)).toBe(false);
    clock.advanceTo(900);
    expect(await store.renew('lease', 'A', 1000)).toBe(true);
    clock.advanceTo(1500);
    await store.release('lease', 'B');
    expect(await store.get('lease')).toBe('A');
    await store.release('lease', 'A');
    expect(await store.get('lease')).toBeUndefined();
    expect(await store.renew('lease', 'A', 1000)).toBe(false);
  });
});

describe('LayeredKeyValueStore', () => {
  it('keeps no claim of its own when the shared store could not be asked', async () => {
    const clock = new VirtualClock(0);
    const shared = new MemoryKeyValueStore(clock);
    let down = true;
    const flaky = {
      claim: (key: string, value: string, ttlMs: number) =>
        down ? Promise.reject(new Error('Connection is closed.')) : shared.claim(key, value, ttlMs),
    } as unknown as MemoryKeyValueStore;
    const layered = new LayeredKeyValueStore(new MemoryKeyValueStore(clock), flaky);
    await shared.claim('run:run-1:publisher', 'B', 30_000);

    await expect(layered.claim('run:run-1:publisher', 'A', 30_000)).rejects.toThrow('closed');
    down = false;

    expect(await layered.claim('run:run-1:publisher', 'A', 30_000)).toEqual({
      claimed: false,
      value: 'B',
    });
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

  it('reads what another server wrote last, not its own older copy', async () => {
    const memory = () => new MemoryKeyValueStore(new VirtualClock(0));
    const serverA = new LayeredKeyValueStore(memory(), new RedisKeyValueStore(redis, prefix));
    const serverB = new LayeredKeyValueStore(memory(), new RedisKeyValueStore(redis, prefix));
    await serverA.set('run:run-2:replied', 'look', 60_000);
    await serverB.set('run:run-2:replied', 'look,cut', 60_000);

    expect(await serverA.get('run:run-2:replied')).toBe('look,cut');
  });

  it('renews a lease only for its holder, and lets another server claim it once released', async () => {
    const memory = () => new MemoryKeyValueStore(new VirtualClock(0));
    const serverA = new LayeredKeyValueStore(memory(), new RedisKeyValueStore(redis, prefix));
    const serverB = new LayeredKeyValueStore(memory(), new RedisKeyValueStore(redis, prefix));
    const key = 'run:run-1:publisher';

    expect((await serverA.claim(key, 'A', 1000)).claimed).toBe(true);
    expect(await serverB.claim(key, 'B', 1000)).toEqual({ claimed: false, value: 'A' });
    // B's memory does not hold B's value: B asks the shared store again.
    expect(await serverB.claim(key, 'B', 1000)).toEqual({ claimed: false, value: 'A' });
    expect(await serverB.renew(key, 'B', 60_000)).toBe(false);
    expect(await serverA.renew(key, 'A', 60_000)).toBe(true);
    expect(await redis.pttl(`${prefix}${key}`)).toBeGreaterThan(59_000);

    await serverB.release(key, 'B');
    expect(await redis.get(`${prefix}${key}`)).toBe('A');
    await serverA.release(key, 'A');
    expect(await redis.get(`${prefix}${key}`)).toBeNull();
    expect(await new RedisKeyValueStore(redis, prefix).claim(key, 'B', 1000)).toEqual({
      claimed: true,
      value: 'B',
    });
  });
});
