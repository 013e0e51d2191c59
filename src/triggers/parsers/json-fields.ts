/** A parsed JSON object: every field is untrusted and may be missing, null or mistyped. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own field of `object`, or undefined; never reads the prototype chain. */
export function field(object: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
      current = current[key];
    }
  }
  return current;
}

/** A non-empty string field, or undefined. */
export function text(object: unknown, ...path: readonly (string | number)[]): string | undefined {
  const value = field(object, ...path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number field (or a numeric string), or undefined. */
export function numeric(
  object: unknown,
  ...path: readonly (string | number)[]
): number | undefined {
  const value = field(object, ...path);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** An array field, or an empty array. */
export function list(object: unknown, ...path: readonly (string | number)[]): readonly unknown[] {
  const value = field(object, ...path);
  return Array.isArray(value) ? value : [];
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 UTC string for the timestamps AWS sends (`2019-08-09T10:19:19.614+0000`,
 * `2021-03-07T00:30:34Z`) and the ones its docs print with spaces (`2023-08-04T12: 56: 46.138+0000`).
 * Masked (`XXXX-XX-XXTXX:XX:XXZ`) or otherwise unparseable values give undefined.
 */
export function toIsoTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const compact = value.replace(/\s+/g, (space, offset: number) => (offset === 10 ? 'T' : ''));
  const match = TIMESTAMP.exec(compact);
  if (match === null) return undefined;

  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction.slice(0, 4).padEnd(4, '0');
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}${millis === '0000' ? '' : millis}${offset}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION_CODE = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

/** A 12-digit account id, or undefined for masked or placeholder values. */
export function toAccountId(value: unknown): string | undefined {
  return typeof value === 'string' && ACCOUNT_ID.test(value.trim()) ? value.trim() : undefined;
}

/** A region code such as `us-east-1`, or undefined for names like "US East (N. Virginia)". */
export function toRegionCode(value: unknown): string | undefined {
  return typeof value === 'string' && REGION_CODE.test(value.trim()) ? value.trim() : undefined;
}

/**
 * An ARN with stray spaces removed from its partition, service, region and account parts (the
 * AWS docs print `arn:aws:cloudwatch:us-east-1: 111122223333:alarm:...`). The resource part is
 * left alone: alarm names may contain spaces.
 */
export function toArn(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.trim().split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const head = parts.slice(0, 5).map((part) => part.trim());
  return [...head, parts.slice(5).join(':')].join(':');
}

/** The parts of a well-formed ARN. */
export function splitArn(
  arn: string | undefined,
): { region?: string; accountId?: string } | undefined {
  if (arn === undefined) return undefined;
  const [, , , region, accountId] = arn.split(':');
  return { region: toRegionCode(region), accountId: toAccountId(accountId) };
}

/** Parses JSON text without throwing: CloudWatch's documented `reasonData` is not always JSON. */
export function parseJsonSafely(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Not JSON: the caller treats the field as absent.
    return undefined;
  }
}

/** Drops undefined fields so events compare and serialise cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
