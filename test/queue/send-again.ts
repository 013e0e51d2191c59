import type { Redis } from 'ioredis';

type ScriptCall = (...args: unknown[]) => Promise<unknown>;

/**
 * Makes the script `command` (defined on `redis` by ioredis) run twice per call, the second
 * run's reply answering it, as when ioredis sends a command again after a dropped connection
 * lost its first reply. `between` runs between the two. Returns the undo.
 */
export function sendEachTwice(
  redis: Redis,
  command: string,
  between: () => Promise<unknown> = async () => undefined,
): () => void {
  const commands = redis as unknown as Record<string, ScriptCall>;
  const original = commands[command];
  if (!original) throw new Error(`no script command ${command} on this connection`);
  commands[command] = async (...args: unknown[]) => {
    await original.apply(redis, args);
    await between();
    return original.apply(redis, args);
  };
  return () => {
    commands[command] = original;
  };
}
