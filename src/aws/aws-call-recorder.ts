import type { AwsCallRecorder, AwsClients } from './clients.js';

/** Strings longer than this are cut in recorded parameters. */
export const MAX_RECORDED_STRING_LENGTH = 200;
/** Arrays keep this many items in recorded parameters; the rest are counted. */
export const MAX_RECORDED_ARRAY_ITEMS = 10;
/** Objects nested deeper than this are summarised in recorded parameters. */
export const MAX_RECORDED_DEPTH = 4;

/** Parameter names whose values never reach a record. */
const REDACTED_KEYS = new Set([
  'Password',
  'OldPassword',
  'NewPassword',
  'SecretAccessKey',
  'SessionToken',
]);

/** Each method of {@link AwsClients} that returns a client, with the service name it records. */
const CLIENT_SERVICES = {
  ec2: 'ec2',
  sns: 'sns',
  iam: 'iam',
  cloudWatch: 'cloudwatch',
  autoScaling: 'autoscaling',
  guardDuty: 'guardduty',
  securityHub: 'securityhub',
} as const;

interface SendingClient {
  send(command: { readonly input?: unknown }, ...rest: unknown[]): Promise<unknown>;
}

/** An SDK command's operation, e.g. `DescribeInstances` for a `DescribeInstancesCommand`. */
function operationOf(command: object): string {
  return (command.constructor?.name || 'Unknown').replace(/Command$/, '');
}

/** What an AWS call made after its step gave up (timed out) fails with; it was never sent. */
export class AwsCallAfterStepEndedError extends Error {
  readonly code = 'STEP_TIMEOUT';
  constructor(service: string, operation: string) {
    super(`${service}:${operation} not sent: its step had already timed out`);
    this.name = 'AwsCallAfterStepEndedError';
  }
}

/**
 * `client` with every `send` reported to `recorder`, success or failure, after it settles.
 * With `signal`, each call carries it (the SDK gives up a request in flight when it fires), and
 * no call is sent once it has fired.
 */
function recordingClient<T extends object>(
  client: T,
  service: string,
  simulated: boolean,
  recorder: AwsCallRecorder,
  signal: AbortSignal | undefined,
): T {
  const send = async (command: { readonly input?: unknown }, ...rest: unknown[]) => {
    const call = { service, operation: operationOf(command), simulated };
    if (signal?.aborted) throw new AwsCallAfterStepEndedError(service, call.operation);
    const [options, ...callback] = rest;
    // A callback in the options' place (`send(command, cb)`) is passed on as it is.
    const withSignal =
      signal === undefined || typeof options === 'function'
        ? rest
        : [{ ...(options as object | undefined), abortSignal: signal }, ...callback];
    try {
      const output = await (client as unknown as SendingClient).send(command, ...withSignal);
      recorder({ ...call, params: summarizeAwsParams(command.input) });
      return output;
    } catch (error) {
      recorder({
        ...call,
        params: summarizeAwsParams(command.input),
        errorCode: awsErrorCodeOf(error),
      });
      throw error;
    }
  };
  // Everything but `send` is the client's own (`instanceof` holds: the prototype is the client's).
  return new Proxy(client, {
    get: (target, name) => (name === 'send' ? send : Reflect.get(target, name, target)),
  });
}

/**
 * `clients` with every AWS call made through them reported to `recorder`: service,
 * operation, key parameters and, for a failed call, AWS's error code. The step runner gives
 * each step's action such clients, so the calls are audited as the step's own.
 */
export function recordAwsCalls(
  clients: AwsClients,
  recorder: AwsCallRecorder,
  signal?: AbortSignal,
): AwsClients {
  // One wrapper per client, so that callers comparing clients see the same one each time.
  const made = new WeakMap<object, object>();
  const client = <K extends keyof typeof CLIENT_SERVICES>(method: K): AwsClients[K] => {
    const get = () => {
      const inner: object = clients[method]();
      let wrapped = made.get(inner);
      if (wrapped === undefined) {
        const service = CLIENT_SERVICES[method];
        wrapped = recordingClient(inner, service, clients.simulated, recorder, signal);
        made.set(inner, wrapped);
      }
      return wrapped;
    };
    return get as AwsClients[K];
  };
  return {
    simulated: clients.simulated,
    region: clients.region,
    ec2: client('ec2'),
    sns: client('sns'),
    iam: client('iam'),
    cloudWatch: client('cloudWatch'),
    autoScaling: client('autoScaling'),
    guardDuty: client('guardDuty'),
    securityHub: client('securityHub'),
    ...(clients.forScope === undefined
      ? {}
      : {
          forScope: (scope) =>
            recordAwsCalls(clients.forScope?.(scope) ?? clients, recorder, signal),
        }),
  };
}

function summarizeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.length <= MAX_RECORDED_STRING_LENGTH) return value;
    return `${value.slice(0, MAX_RECORDED_STRING_LENGTH - 1)}…`;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) {
    if (depth >= MAX_RECORDED_DEPTH) return `[${value.length} items]`;
    const kept = value
      .slice(0, MAX_RECORDED_ARRAY_ITEMS)
      .map((item) => summarizeValue(item, depth + 1));
    const more = value.length - kept.length;
    return more > 0 ? [...kept, `…(+${more} more)`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    if (depth >= MAX_RECORDED_DEPTH) return '[object]';
    return summarizeObject(value as Record<string, unknown>, depth + 1);
  }
  return value;
}

function summarizeObject(input: Record<string, unknown>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    result[key] = REDACTED_KEYS.has(key) ? '[redacted]' : summarizeValue(value, depth);
  }
  return result;
}

/**
 * The key parameters of an SDK command input for the audit log: long strings cut to
 * {@link MAX_RECORDED_STRING_LENGTH} characters, long arrays and deep objects summarised,
 * secrets redacted.
 */
export function summarizeAwsParams(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object') return {};
  return summarizeObject(input as Record<string, unknown>, 0);
}

/** AWS's error code of a failed call: the SDK exception's `name`, or `Code` when modeled. */
export function awsErrorCodeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { Code?: unknown }).Code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'UnknownError';
}
