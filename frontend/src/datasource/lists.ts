// The editors' lists (services, tools, pools, ...) as a Grafana datasource keeps them: one
// request per list per (time range, services), shared by every caller while it is in flight,
// the answer kept in a small cache so that a list the editor fetched when it mounted is
// there when the user opens it. A failed answer is never kept: the next caller asks again.
import { TimeRange } from '@grafana/data';

import { ListResource } from './types';

/** Lists are asked for whole minutes (see listRange). */
const MINUTE_MS = 60_000;

/**
 * The range a list is asked for: the dashboard's range widened to whole minutes. Grafana
 * hands an editor a new `now` on every render of a relative range ("now-1h"); widened, the
 * renders of one minute share one request. Values present a few seconds outside the range
 * are still values the user may filter on.
 */
export function listRange(range?: TimeRange): { from: number; to: number } | undefined {
  if (!range) {
    return undefined;
  }
  return {
    from: Math.floor(range.from.valueOf() / MINUTE_MS) * MINUTE_MS,
    to: Math.ceil(range.to.valueOf() / MINUTE_MS) * MINUTE_MS,
  };
}

/** What identifies one list: its resource, widened range and (interpolated) services. */
export interface ListRequest {
  resource: ListResource;
  range?: { from: number; to: number };
  services: string[];
}

export function listKey({ resource, range, services }: ListRequest): string {
  return JSON.stringify([resource, range?.from ?? null, range?.to ?? null, services]);
}

export interface ListCacheOptions {
  /** Lists kept; the least recently used goes first. */
  size: number;
  /** How long an answer is reused; a list of a relative range grows as time passes. */
  maxAgeMs: number;
  now: () => number;
}

export const LIST_CACHE_DEFAULTS: ListCacheOptions = { size: 64, maxAgeMs: MINUTE_MS, now: () => Date.now() };

export class ListCache<T> {
  private readonly entries = new Map<string, { answer: Promise<T>; at: number }>();
  private readonly options: ListCacheOptions;

  constructor(options: Partial<ListCacheOptions> = {}) {
    this.options = { ...LIST_CACHE_DEFAULTS, ...options };
  }

  /** The answer kept for `key`, or `load()`'s, kept until it fails, ages or is pushed out. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.options.now();
    const kept = this.entries.get(key);
    if (kept && now - kept.at < this.options.maxAgeMs) {
      // Most recently used last, so that the first entry is the one to push out.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.answer;
    }
    const answer = load();
    this.entries.delete(key);
    this.entries.set(key, { answer, at: now });
    answer.catch(() => {
      if (this.entries.get(key)?.answer === answer) {
        this.entries.delete(key);
      }
    });
    while (this.entries.size > this.options.size) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return answer;
  }
}
