export { createProgram, main } from './program.js';
export type { CliIo } from './cli-io.js';
