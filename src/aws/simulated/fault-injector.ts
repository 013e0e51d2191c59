import { SimulatedAwsError } from './simulated-aws-error.js';

/** Services the simulated account answers, by their IAM prefix. */
export type AwsServiceName =
  'ec2' | 'sns' | 'iam' | 'cloudwatch' | 'autoscaling' | 'guardduty' | 'securityhub';

/** What {@link SimulatedAccount.injectFault} takes. */
export interface FaultOptions {
  /**
   * The call to disturb: `ec2:ModifyNetworkInterfaceAttribute`, a bare operation name, a
   * service wildcard (`iam:*`) or `*` for every call.
   */
  operation: string;
  /**
   * The AWS error to answer with. `Throttling` and `AccessDenied` are translated to each
   * service's own code (EC2's `RequestLimitExceeded` and `UnauthorizedOperation`...). Default
   * `Throttling`; leave out with `delayMs` for a slow call that succeeds.
   */
  error?: string;
  /** How many matching calls to disturb; default unlimited. */
  times?: number;
  /** The chance, 0 to 1, that a matching call is disturbed; default 1. Deterministic per seed. */
  probability?: number;
  /** Delay before answering, in (possibly virtual) milliseconds of the account's clock. */
  delayMs?: number;
}

/** What a disturbed call suffers. */
export interface FaultOutcome {
  readonly error?: SimulatedAwsError;
  readonly delayMs?: number;
}

interface ActiveFault extends FaultOptions {
  remaining: number;
}

// GuardDuty and Security Hub throttle with API Gateway's TooManyRequestsException (HTTP 429).
const THROTTLING_CODES: Record<AwsServiceName, string> = {
  ec2: 'RequestLimitExceeded',
  sns: 'Throttled',
  iam: 'Throttling',
  cloudwatch: 'Throttling',
  autoscaling: 'Throttling',
  guardduty: 'TooManyRequestsException',
  securityhub: 'TooManyRequestsException',
};

const ACCESS_DENIED_CODES: Record<AwsServiceName, string> = {
  ec2: 'UnauthorizedOperation',
  sns: 'AuthorizationError',
  iam: 'AccessDenied',
  cloudwatch: 'AccessDenied',
  autoscaling: 'AccessDenied',
  guardduty: 'AccessDeniedException',
  securityhub: 'AccessDeniedException',
};

/** A small seeded generator (mulberry32), so that a probabilistic fault replays identically. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matchesOperation(pattern: string, service: AwsServiceName, operation: string): boolean {
  if (pattern === '*' || pattern === operation || pattern === `${service}:${operation}`)
    return true;
  return pattern === `${service}:*`;
}

/** The error AWS would send for a fault, in the words AWS uses. */
export function createFaultError(
  code: string,
  service: AwsServiceName,
  operation: string,
  accountId: string,
): SimulatedAwsError {
  const principal = `arn:aws:sts::${accountId}:assumed-role/firebreak/simulated`;
  const action = `${service}:${operation}`;
  if (code === 'Throttling' || code === THROTTLING_CODES[service]) {
    const status = THROTTLING_CODES[service] === 'TooManyRequestsException' ? 429 : 400;
    return new SimulatedAwsError(THROTTLING_CODES[service], 'Rate exceeded', 'client', status);
  }
  if (code === 'AccessDenied' || code === ACCESS_DENIED_CODES[service]) {
    const message = `User: ${principal} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
    return new SimulatedAwsError(ACCESS_DENIED_CODES[service], message, 'client', 403);
  }
  if (code === 'InternalError' || code === 'ServiceUnavailable') {
    return new SimulatedAwsError(code, 'An internal error has occurred', 'server', 500);
  }
  return new SimulatedAwsError(code, `Injected fault ${code} on ${action}`, 'client', 400);
}

/** Keeps the faults injected into a simulated account and decides which calls they hit. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private readonly random: () => number;

  constructor(randomSeed: number) {
    this.random = createRandom(randomSeed);
  }

  add(options: FaultOptions): void {
    this.faults.push({ ...options, remaining: options.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault to apply to this call, if one fires. */
  check(service: AwsServiceName, operation: string, accountId: string): FaultOutcome | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matchesOperation(fault.operation, service, operation)) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      fault.remaining--;
      const wantsError = fault.error !== undefined || fault.delayMs === undefined;
      const error = wantsError
        ? createFaultError(fault.error ?? 'Throttling', service, operation, accountId)
        : undefined;
      return { error, delayMs: fault.delayMs };
    }
    return undefined;
  }
}
