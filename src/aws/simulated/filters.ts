import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedTags } from './simulated-account-state.js';

/**
 * The values a resource has for an EC2 filter name, or `undefined` when the operation does
 * not know that filter (AWS then refuses the request).
 */
export type FilterValuesOf = (name: string) => readonly (string | undefined)[] | undefined;

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * Whether a resource passes EC2 filters: every filter must match (AND), and a filter matches
 * when any of its values does (OR). Values may use the `*` and `?` wildcards, as in AWS.
 */
export function matchesFilters(filters: readonly Filter[] | undefined, valuesOf: FilterValuesOf) {
  return (filters ?? []).every((filter) => {
    const name = filter.Name ?? '';
    const actual = valuesOf(name);
    if (actual === undefined)
      throw awsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    const patterns = (filter.Values ?? [])
      .filter((v) => typeof v === 'string')
      .map(wildcardToRegExp);
    return actual.some((value) => value !== undefined && patterns.some((p) => p.test(value)));
  });
}

/** The values of the `tag:Key`, `tag-key` and `tag-value` filters; `undefined` for others. */
export function tagFilterValues(tags: SimulatedTags, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const value = tags[name.slice(4)];
    return value === undefined ? [] : [value];
  }
  if (name === 'tag-key') return Object.keys(tags);
  if (name === 'tag-value') return Object.values(tags);
  return undefined;
}

/** Tags as AWS lists them, sorted by key; `undefined` when there are none. */
export function toTagList(tags: SimulatedTags): Tag[] | undefined {
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return undefined;
  return keys.map((key) => ({ Key: key, Value: tags[key] }));
}

/** A record of tags from AWS's `[{ Key, Value }]` list. */
export function fromTagList(tags: readonly Tag[] | undefined): SimulatedTags {
  const result: SimulatedTags = {};
  for (const tag of tags ?? []) result[tag.Key ?? ''] = tag.Value ?? '';
  return result;
}
