import { FirebreakError } from '../shared/index.js';

/** An audit log whose chain does not verify. */
export class AuditChainBrokenError extends FirebreakError {
  constructor(
    readonly path: string,
    readonly badLine: number,
    readonly reason: string,
  ) {
    super(
      'AUDIT_CHAIN_BROKEN',
      `${path}:${badLine}: audit chain broken: ${reason}. Keep this file (and ${path}.tail) as ` +
        `evidence and start a new log.`,
    );
  }
}
