import { FirebreakError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses `90s`, `15m`, `24h`, `500ms` or `1d` into milliseconds. */
export function parseDurationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) {
    throw new FirebreakError(
      'INVALID_DURATION',
      `invalid duration "${text}": expected a number and a unit (ms, s, m, h, d), e.g. 15m`,
    );
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** Whether `text` is a duration {@link parseDurationMs} accepts. */
export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text.trim());
}

/** Formats milliseconds as `+1h02m03s` style offsets for timelines. */
export function formatOffsetMs(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const mm = String(minutes).padStart(2, '0');
  const ss = String(seconds).padStart(2, '0');
  return `+${hours}:${mm}:${ss}`;
}
