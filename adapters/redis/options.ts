import type { Clock } from '../../ports/clock.js'

/** What every Redis adapter is built with, besides its client. */
export interface RedisAdapterOptions {
  /** Every key the adapter writes starts with this (default `innkeeper:`). */
  readonly prefix?: string
  /**
   * The source of "now" for expiry and refill. Correctness follows this clock; Redis's own key
   * expiry only collects garbage, `gcMarginMs` after the clock says a record is dead.
   */
  readonly clock: Clock
  /** How long past its logical expiry Redis keeps a key (default 60,000 ms). */
  readonly gcMarginMs?: number
}

export const DEFAULT_PREFIX = 'innkeeper:'
export const DEFAULT_GC_MARGIN_MS = 60_000

export const resolveOptions = (
  o: RedisAdapterOptions,
): { readonly prefix: string; readonly clock: Clock; readonly gcMarginMs: number } => ({
  prefix: o.prefix ?? DEFAULT_PREFIX,
  clock: o.clock,
  gcMarginMs: Math.max(0, o.gcMarginMs ?? DEFAULT_GC_MARGIN_MS),
})
