export { InProcessDriver } from './in-process-driver.js';
export type { InProcessDriverOptions } from './in-process-driver.js';
