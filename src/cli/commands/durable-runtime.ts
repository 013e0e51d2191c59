import type { Config } from '../../config/index.js';
import { createRuntime } from '../../main.js';
import type { Runtime } from '../../main.js';
import type { BullmqDriver } from '../../queue/index.js';
import { QueueNotConfiguredError } from '../../queue/index.js';

/** A runtime on the durable queue. */
export type DurableRuntime = Runtime & { readonly bullmq: BullmqDriver };

/** The runtime for commands that only make sense on Redis (runs live elsewhere). */
export async function createDurableRuntime(
  config: Config,
  what: string,
  role: 'worker' | 'client' = 'client',
): Promise<DurableRuntime> {
  if (!config.redisUrl) throw new QueueNotConfiguredError(what);
  const runtime = await createRuntime(config, { redisRole: role });
  if (!runtime.bullmq) throw new QueueNotConfiguredError(what);
  return runtime as DurableRuntime;
}
