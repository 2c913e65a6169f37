/**
 * Keeps a long-running process's in-memory map bounded (issue 16: a store that only ever grows is a
 * slow leak). After as many writes as the map held entries after the last sweep (at least `sweepAfter`), one pass drops
 * every expired entry: amortized O(1) per write, and the map never holds much more than twice its
 * live entries. Past `maxEntries`, the entries inserted longest ago go first (a Map iterates in
 * insertion order), whatever their expiry: a flood of distinct keys cannot grow it further.
 */
export class MapSweeper<K, V> {
  private writes = 0
  /** Writes until the next sweep: as many as the map held after the last one. */
  private nextSweep: number

  constructor(
    private readonly map: Map<K, V>,
    private readonly options: {
      readonly expired: (value: V, now: number) => boolean
      readonly maxEntries: number
      /** Drops one entry (default: deletes it from the map); for stores with indexes beside the map. */
      readonly drop?: (key: K) => void
      readonly sweepAfter?: number
    },
  ) {
    this.nextSweep = options.sweepAfter ?? 1024
  }

  /** Call after each write to the map. */
  afterWrite(now: number): void {
    const drop = this.options.drop ?? ((key: K) => this.map.delete(key))
    if (++this.writes >= this.nextSweep) {
      this.writes = 0
      for (const [key, value] of this.map) if (this.options.expired(value, now)) drop(key)
      this.nextSweep = Math.max(this.options.sweepAfter ?? 1024, this.map.size)
    }
    while (this.map.size > this.options.maxEntries) {
      const oldest = this.map.keys().next()
      if (oldest.done === true) break
      drop(oldest.value)
    }
  }
}

/** Drops the oldest items of an append-only log once it is a quarter past `retain`. */
export const trimLog = <T>(log: T[], retain: number): void => {
  if (log.length > retain + Math.max(64, retain >> 2)) log.splice(0, log.length - retain)
}

/** Keeps an insertion-ordered set of seen keys at `retain` at most, forgetting the oldest. */
export const trimSet = <T>(set: Set<T>, retain: number): void => {
  while (set.size > retain) {
    const oldest = set.values().next()
    if (oldest.done === true) break
    set.delete(oldest.value)
  }
}
