import { FirebreakError } from '../../shared/index.js';

/** Whether AWS blames the caller (`client`, HTTP 4xx) or itself (`server`, HTTP 5xx). */
export type AwsFault = 'client' | 'server';

/**
 * An error the simulated account answers with, in AWS's terms: `awsCode` is the error code
 * AWS would send (`InvalidInstanceID.NotFound`), `message` its wording. The client middleware
 * turns it into the SDK's own exception class before a caller sees it.
 */
export class SimulatedAwsError extends FirebreakError {
  readonly awsCode: string;
  readonly fault: AwsFault;
  readonly httpStatusCode: number;

  constructor(
    awsCode: string,
    message: string,
    fault: AwsFault = 'client',
    httpStatusCode?: number,
  ) {
    super('SIMULATED_AWS_ERROR', message);
    this.awsCode = awsCode;
    this.fault = fault;
    this.httpStatusCode = httpStatusCode ?? (fault === 'client' ? 400 : 500);
  }
}

/** Shorthand for a client-fault {@link SimulatedAwsError}. */
export function awsError(
  awsCode: string,
  message: string,
  httpStatusCode?: number,
): SimulatedAwsError {
  return new SimulatedAwsError(awsCode, message, 'client', httpStatusCode);
}
