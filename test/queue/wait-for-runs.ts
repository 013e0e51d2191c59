import { isFinished } from '../../src/engine/index.js';
import type { RunState } from '../../src/engine/index.js';
import type { BullmqDriver } from '../../src/queue/index.js';

/**
 * Resolves with the final states once every run in `runIds` has finished, hearing changes from
 * every process over pub/sub; rejects after `timeoutMs` naming the runs still going.
 */
export async function waitForRunsToFinish(
  driver: BullmqDriver,
  runIds: readonly string[],
  timeoutMs: number,
): Promise<RunState[]> {
  const done = new Map<string, RunState>();
  let stop: () => void = () => undefined;
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const left = runIds.filter((id) => !done.has(id));
      reject(
        new Error(
          `${left.length} runs did not finish in ${timeoutMs} ms: ${left.slice(0, 5).join(', ')}`,
        ),
      );
    }, timeoutMs);
    const record = (state: RunState) => {
      if (!runIds.includes(state.runId) || !isFinished(state)) return;
      done.set(state.runId, state);
      if (done.size === runIds.length) {
        clearTimeout(timer);
        resolve();
      }
    };
    stop = driver.onChange(record);
    void driver.subscribed().then(async () => {
      for (const id of runIds) {
        const state = await driver.getRun(id);
        if (state) record(state);
      }
    });
  });
  try {
    await all;
  } finally {
    stop();
  }
  return runIds.map((id) => done.get(id) as RunState);
}
