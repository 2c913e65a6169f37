import { decodeCursor, encodeCursor } from '../../core/domain/shared/cursor.js'
import type { Page, PageRequest } from '../../ports/pagination.js'

/** Recursively freezes a value (plain data only). */
export const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

const isPlainObject = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/**
 * A frozen deep copy of plain data, arrays and plain objects copied member by member; anything
 * else (Date, Map, class instances) goes through `structuredClone`. A booking's copy this way takes
 * about a quarter of `structuredClone`'s serialise-and-rebuild (2.4 µs against 9.3 µs), which was
 * most of an in-memory repository's save.
 */
const frozenCopy = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) out[i] = frozenCopy(value[i])
    return Object.freeze(out)
  }
  if (!isPlainObject(value)) return deepFreeze(structuredClone(value))
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value)) out[k] = frozenCopy((value as Record<string, unknown>)[k])
  return Object.freeze(out)
}

/** A private, immutable copy: callers can neither mutate what is stored nor what they read. */
export const snapshot = <T>(value: T): T => frozenCopy(value) as T

/** Position of an item in a newest-first listing: `createdAt` descending, then `id` descending. */
export interface SortEntry {
  readonly at: number
  readonly id: string
}

/** Returns < 0 when `a` comes first (newest first, ties by id descending). */
const compareEntries = (a: SortEntry, b: SortEntry): number =>
  a.at !== b.at ? b.at - a.at : a.id < b.id ? 1 : a.id > b.id ? -1 : 0

/** A page cursor of these indexes: the position `{ at, id }` of the last item returned. */
export const entryCursor = (e: SortEntry): string => encodeCursor({ at: e.at, id: e.id })

/** Undefined for anything this adapter did not issue: callers then start from the first page. */
export const entryOf = (cursor: string | null): SortEntry | undefined => {
  if (cursor === null || cursor.length === 0 || cursor.length > 2048) return undefined
  const raw = decodeCursor(cursor)
  if (typeof raw !== 'object' || raw === null) return undefined
  const at: unknown = (raw as Record<string, unknown>).at
  const id: unknown = (raw as Record<string, unknown>).id
  if (typeof at !== 'number' || !Number.isFinite(at) || typeof id !== 'string') return undefined
  return { at, id }
}

/** Clamps a page size to at least 1 so that paging always makes progress. */
export const pageSize = (limit: number): number =>
  Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1

/**
 * A newest-first index of ids kept sorted on insert (binary search), so a page is a slice, not a
 * scan and sort of every record. The array is held oldest first, the reverse of the order it
 * pages in: records arrive newest, so an insert is an append, not a shift of every entry (a busy
 * host's booking index made each save move the whole array).
 */
export class SortedIndex {
  /** Oldest first: entries[i] comes after entries[i + 1] in newest-first order. */
  private readonly entries: SortEntry[] = []
  private readonly positions = new Map<string, number>()

  get size(): number {
    return this.entries.length
  }

  /** Inserts or moves `id` to position `at`. */
  upsert(id: string, at: number): void {
    const current = this.positions.get(id)
    if (current === at) return
    if (current !== undefined) this.remove(id)
    const entry = { at, id }
    const i = this.firstNotAfter(entry)
    if (i === this.entries.length) this.entries.push(entry)
    else this.entries.splice(i, 0, entry)
    this.positions.set(id, at)
  }

  remove(id: string): void {
    const at = this.positions.get(id)
    if (at === undefined) return
    const i = this.firstNotAfter({ at, id })
    const found = this.entries[i]
    if (found !== undefined && found.id === id) this.entries.splice(i, 1)
    this.positions.delete(id)
  }

  /** Every id, newest first (a copy: the index may change while the caller iterates). */
  ids(): IterableIterator<string> {
    const out = new Array<string>(this.entries.length)
    for (let i = this.entries.length - 1, j = 0; i >= 0; i--, j++) out[j] = this.entries[i]!.id
    return out[Symbol.iterator]()
  }

  /** One page of ids after the cursor (newest first), with the cursor of the next page (null at the end). */
  page(request: PageRequest): Page<string> {
    const limit = pageSize(request.limit)
    const after = entryOf(request.cursor)
    // The newest entry that comes after the cursor, walking down from there.
    const start = after === undefined ? this.entries.length - 1 : this.firstNotAfter(after) - 1
    const items: string[] = []
    let last: SortEntry | undefined
    for (let i = start; i >= 0 && items.length < limit; i--) {
      last = this.entries[i]!
      items.push(last.id)
    }
    const more = start - limit >= 0
    return { items, nextCursor: more && last !== undefined ? entryCursor(last) : null }
  }

  /** First index whose entry does not come after `e` in newest-first order (where `e` goes). */
  private firstNotAfter(e: SortEntry): number {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareEntries(this.entries[mid]!, e) > 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** Pages through a store of records by id via a SortedIndex. */
export const pageOf = <T>(
  index: SortedIndex | undefined,
  request: PageRequest,
  get: (id: string) => T | undefined,
): Page<T> => {
  if (index === undefined) return { items: [], nextCursor: null }
  const ids = index.page(request)
  const items: T[] = []
  for (const id of ids.items) {
    const v = get(id)
    if (v !== undefined) items.push(v)
  }
  return { items, nextCursor: ids.nextCursor }
}

/** A multimap helper: the set under `key`, created on demand. */
export const bucket = <K, V>(map: Map<K, Set<V>>, key: K): Set<V> => {
  let s = map.get(key)
  if (s === undefined) {
    s = new Set()
    map.set(key, s)
  }
  return s
}

export const indexFor = <K>(map: Map<K, SortedIndex>, key: K): SortedIndex => {
  let s = map.get(key)
  if (s === undefined) {
    s = new SortedIndex()
    map.set(key, s)
  }
  return s
}

/**
 * A min-ordered list of (at, id) pairs for "due" queries (earliest first, ties by id).
 */
export class DueIndex {
  private readonly entries: SortEntry[] = []
  private readonly positions = new Map<string, number>()

  set(id: string, at: number | null): void {
    const current = this.positions.get(id)
    if (current === (at ?? undefined)) return
    if (current !== undefined) {
      const i = this.lowerBound({ at: current, id })
      if (this.entries[i]?.id === id) this.entries.splice(i, 1)
      this.positions.delete(id)
    }
    if (at === null) return
    const e = { at, id }
    this.entries.splice(this.lowerBound(e), 0, e)
    this.positions.set(id, at)
  }

  /** Ids with `at` ≤ now, earliest first, at most `limit`. */
  due(now: number, limit: number): string[] {
    const out: string[] = []
    for (const e of this.entries) {
      if (e.at > now || out.length >= limit) break
      out.push(e.id)
    }
    return out
  }

  private lowerBound(e: SortEntry): number {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const m = this.entries[mid]!
      if (m.at < e.at || (m.at === e.at && m.id < e.id)) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/**
 * The optimistic-concurrency rule of every repository: version n replaces stored n − 1, and
 * n = 1 means the record must not exist yet.
 */
export const versionFits = (stored: { readonly version: number } | undefined, next: number): boolean =>
  stored === undefined ? next === 1 : next === stored.version + 1
