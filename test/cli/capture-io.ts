import type { CliIo } from '../../src/cli/index.js';

/** A `CliIo` that keeps what a command printed and the highest exit code it set. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    exitCode: (c) => (code = Math.max(code, c)),
  };
  return { io, out, err, code: () => code };
}
