import { err, ok, type Result } from '../src/core/result.js';
import { LIMITS } from './limits.js';
import type { NostrEvent, NostrFilter, TagCondition } from './nostr-types.js';

const HEX64 = /^[0-9a-f]{64}$/;
const TAG_KEY = /^#[A-Za-z]$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isTimestamp = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const parseList = <T>(raw: unknown, field: string, check: (v: unknown) => v is T, what: string): Result<Set<T>> => {
  if (!Array.isArray(raw)) return err(`filter ${field} must be an array`);
  if (raw.length > LIMITS.maxValuesPerFilterField) {
    return err(`filter ${field} lists more than ${LIMITS.maxValuesPerFilterField} values`);
  }
  const values = new Set<T>();
  for (const v of raw) {
    if (!check(v)) return err(`filter ${field} values must be ${what}`);
    values.add(v);
  }
  return ok(values);
};

const isHex64 = (v: unknown): v is string => typeof v === 'string' && HEX64.test(v);
const isKind = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535;
const isTagValue = (v: unknown): v is string => typeof v === 'string' && v.length <= LIMITS.maxTagValueChars;

/**
 * What a relay accepts in filters beyond the NIP-01 grammar. Checked per field before its values
 * are read, so a refused filter costs no set building.
 */
export interface FilterPolicy {
  /** Tag names (`x` for `#x`) a filter may name; any other `#<letter>` is refused. */
  tagNames: ReadonlySet<string>;
  /** Whether `ids` and `authors` lists are accepted. */
  idsAndAuthors: boolean;
  /** Most values one list field (`kinds`, a tag) may hold; a longer list is refused before it is read. */
  maxValuesPerField: number;
}

/**
 * Parses one untrusted NIP-01 filter. Unknown fields are refused rather than ignored: ignoring
 * one (say a NIP-50 `search`) would silently widen what the client receives.
 */
export const parseFilter = (raw: unknown, policy?: FilterPolicy): Result<NostrFilter> => {
  if (!isRecord(raw)) return err('filter must be an object');
  const filter: NostrFilter = { tags: [] };
  const tags: TagCondition[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (policy !== undefined && TAG_KEY.test(key) && !policy.tagNames.has(key.slice(1))) {
      return err(
        `filter tag ${JSON.stringify(key)} is not supported: this relay only forwards topic-tagged signaling (${[...policy.tagNames].map((t) => `"#${t}"`).join(', ')})`,
      );
    }
    if (policy !== undefined && !policy.idsAndAuthors && (key === 'ids' || key === 'authors')) {
      return err(`filter field "${key}" is not supported: this relay only forwards topic-tagged signaling`);
    }
    if (policy !== undefined && Array.isArray(value) && value.length > policy.maxValuesPerField) {
      return err(`filter ${key} lists more than ${policy.maxValuesPerField} values`);
    }
    if (key === 'ids' || key === 'authors') {
      const list = parseList(value, key, isHex64, '64 lowercase hex characters');
      if (!list.ok) return list;
      filter[key] = list.value;
    } else if (key === 'kinds') {
      const list = parseList(value, key, isKind, 'integers from 0 to 65535');
      if (!list.ok) return list;
      filter.kinds = list.value;
    } else if (key === 'since' || key === 'until') {
      if (!isTimestamp(value)) return err(`filter ${key} must be a non-negative integer`);
      filter[key] = value;
    } else if (key === 'limit') {
      if (!isTimestamp(value)) return err('filter limit must be a non-negative integer');
      filter.limit = Math.min(value, LIMITS.maxLimit);
    } else if (TAG_KEY.test(key)) {
      const list = parseList(value, key, isTagValue, `strings of at most ${LIMITS.maxTagValueChars} characters`);
      if (!list.ok) return list;
      tags.push({ name: key.slice(1), values: list.value });
    } else {
      return err(`unsupported filter field ${JSON.stringify(key.slice(0, 20))}`);
    }
  }
  filter.tags = tags;
  return ok(filter);
};

const hasTag = (event: NostrEvent, condition: TagCondition): boolean =>
  event.tags.some((tag) => tag[0] === condition.name && tag[1] !== undefined && condition.values.has(tag[1]));

/** NIP-01: an event matches a filter when it satisfies every condition the filter has. `limit` is not a condition. */
export const matchesFilter = (event: NostrEvent, filter: NostrFilter): boolean => {
  if (filter.ids !== undefined && !filter.ids.has(event.id)) return false;
  if (filter.authors !== undefined && !filter.authors.has(event.pubkey)) return false;
  if (filter.kinds !== undefined && !filter.kinds.has(event.kind)) return false;
  if (filter.since !== undefined && event.created_at < filter.since) return false;
  if (filter.until !== undefined && event.created_at > filter.until) return false;
  return filter.tags.every((condition) => hasTag(event, condition));
};

/** NIP-01: a subscription's filters are OR-ed. */
/** How many values a filter lists (what it costs to hold and to match). */
export const filterValueCount = (filter: NostrFilter): number => {
  let count = (filter.ids?.size ?? 0) + (filter.authors?.size ?? 0) + (filter.kinds?.size ?? 0);
  for (const condition of filter.tags) count += condition.values.size;
  return count;
};

export const matchesAny = (event: NostrEvent, filters: readonly NostrFilter[]): boolean =>
  filters.some((filter) => matchesFilter(event, filter));
