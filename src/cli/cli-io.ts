/** Where CLI commands write; a seam so tests capture output and exit codes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exitCode(code: number): void;
}

/** stdout, stderr and process.exitCode. */
export function createProcessIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    exitCode: (code) => {
      process.exitCode = Math.max(Number(process.exitCode ?? 0), code);
    },
  };
}
