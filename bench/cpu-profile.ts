/**
 * Optional CPU profile of a bench's measured window: with `BENCH_CPU_PROFILE=<file>` set,
 * {@link startCpuProfile} starts the V8 profiler of this thread and the returned function
 * writes a `.cpuprofile` (open it in Chrome DevTools) when the window ends. Unset, both are
 * no-ops, so the figures are not disturbed.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function startCpuProfile(): Promise<() => Promise<void>> {
  const file = process.env['BENCH_CPU_PROFILE'];
  if (!file) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
