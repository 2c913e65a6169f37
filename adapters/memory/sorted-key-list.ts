/**
 * Entries kept in (key, id) order, in sorted chunks: the ordered index the in-memory listing search
 * walks (one list per sort order, scope and capacity class) and the booking repository's timer index.
 */

/** A position in a sort order: the sort key, ties broken by id. */
export interface Entry {
  readonly key: number
  readonly id: string
}

export const compareKeyed = (a: Entry, b: Entry): number =>
  a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Entries per chunk before a chunk splits in two. */
const CHUNK_MAX = 1_024

/**
 * Entries kept in (key, id) order as a list of sorted chunks (the "sorted list" of
 * sortedcontainers): an insert or removal is a binary search plus a splice within one chunk of at
 * most CHUNK_MAX entries, so a write costs O(log n + CHUNK_MAX) however many listings there are,
 * and finding the first entry after a position is two binary searches.
 */
export class SortedKeyList<E extends Entry = Entry> {
  private readonly chunks: E[][] = []
  private count = 0
  private changes = 0

  get size(): number {
    return this.count
  }

  /** Changes on every insert and removal: a walk that saw the same version may continue in place. */
  get version(): number {
    return this.changes
  }

  insert(e: E): void {
    if (this.chunks.length === 0) {
      this.chunks.push([e])
      this.count = 1
      // A walker made while the list was empty sits at its start: it must seek again, or it would
      // return this entry even when it lies before where the walk has got to.
      this.changes++
      return
    }
    let c = this.chunkFor(e)
    if (c === this.chunks.length) c--
    const chunk = this.chunks[c]!
    chunk.splice(lowerBound(chunk, e), 0, e)
    this.count++
    this.changes++
    if (chunk.length > CHUNK_MAX) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK_MAX >>> 1))
  }

  /** Removes the entry equal to `e`; true if there was one. */
  remove(e: Entry): boolean {
    const c = this.chunkFor(e)
    const chunk = this.chunks[c]
    if (chunk === undefined) return false
    const i = lowerBound(chunk, e)
    const found = chunk[i]
    if (found === undefined || compareKeyed(found, e) !== 0) return false
    chunk.splice(i, 1)
    this.count--
    this.changes++
    if (chunk.length === 0) this.chunks.splice(c, 1)
    return true
  }

  /**
   * Calls `visit` on each entry strictly after `after`, in order, until it returns false or the
   * entries run out; returns the last entry visited (null if none). The list must not change
   * during the walk (callers walk synchronously).
   */
  forEachAfter(after: Entry | null, visit: (e: E) => boolean): E | null {
    let [c, i] = this.seek(after)
    let last: E | null = null
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!
      for (; i < chunk.length; i++) {
        last = chunk[i]!
        if (!visit(last)) return last
      }
    }
    return last
  }

  /** A walker positioned at the first entry strictly after `after`. */
  walkerAfter(after: Entry | null): ListWalker<E> {
    const [c, i] = this.seek(after)
    return new ListWalker(this, this.chunks, c, i)
  }

  /** Chunk and offset of the first entry strictly after `after` (one past the end if none). */
  seek(after: Entry | null): [number, number] {
    if (after === null) return [0, 0]
    // The first chunk whose last entry is after the position, then the first entry after it there.
    let lo = 0
    let hi = this.chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const chunk = this.chunks[mid]!
      if (compareKeyed(chunk[chunk.length - 1]!, after) <= 0) lo = mid + 1
      else hi = mid
    }
    const chunk = this.chunks[lo]
    if (chunk === undefined) return [lo, 0]
    let a = 0
    let b = chunk.length
    while (a < b) {
      const mid = (a + b) >>> 1
      if (compareKeyed(chunk[mid]!, after) <= 0) a = mid + 1
      else b = mid
    }
    return [lo, a]
  }

  /** The chunk where `e` belongs: the first whose last entry is not before it (may be one past the end). */
  private chunkFor(e: Entry): number {
    let lo = 0
    let hi = this.chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const chunk = this.chunks[mid]!
      if (compareKeyed(chunk[chunk.length - 1]!, e) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/**
 * A position in a `SortedKeyList` (chunk, offset) that stays usable across batches: if the list
 * changed since the walker last moved, it seeks again from the last entry visited, so walks that
 * span saves neither repeat nor skip an entry, and walks that do not (the usual case) never seek.
 */
export class ListWalker<E extends Entry> {
  private version: number

  constructor(
    private readonly list: SortedKeyList<E>,
    private readonly chunks: readonly (readonly E[])[],
    private c: number,
    private i: number,
  ) {
    this.version = list.version
  }

  /** Re-seeks after `last` if the list changed since the walker last looked. */
  sync(last: Entry | null): void {
    if (this.list.version === this.version) return
    ;[this.c, this.i] = this.list.seek(last)
    this.version = this.list.version
  }

  /** The entry under the walker; undefined past the end. */
  current(): E | undefined {
    return this.chunks[this.c]?.[this.i]
  }

  advance(): void {
    if (++this.i >= this.chunks[this.c]!.length) {
      this.c++
      this.i = 0
    }
  }
}

const lowerBound = (chunk: readonly Entry[], e: Entry): number => {
  let lo = 0
  let hi = chunk.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeyed(chunk[mid]!, e) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
