import type { Redis } from 'ioredis'
import type { Clock } from '../../ports/clock.js'
import { gcTtl, keepScriptsLoaded } from './client.js'
import { type RedisAdapterOptions, resolveOptions } from './options.js'

/**
 * What every Redis adapter is made of: its client, its own key space under the prefix
 * (`<prefix><namespace>`), the clock that decides expiry, and the margin by which Redis outlives
 * a record's logical expiry before it collects the key.
 */
export abstract class RedisAdapter {
  /** Every key of this adapter starts with it: the configured prefix, then the adapter's namespace. */
  protected readonly prefix: string
  protected readonly clock: Clock
  protected readonly gcMarginMs: number

  protected constructor(
    protected readonly client: Redis,
    options: RedisAdapterOptions,
    namespace: string,
  ) {
    const o = resolveOptions(options)
    this.prefix = `${o.prefix}${namespace}`
    this.clock = o.clock
    this.gcMarginMs = o.gcMarginMs
    keepScriptsLoaded(client)
  }

  /** The Redis TTL of a record that lives `ttlMs` on the clock: that, plus the GC margin. */
  protected gcTtlAfter(ttlMs: number): number {
    return gcTtl(ttlMs + this.gcMarginMs)
  }
}
