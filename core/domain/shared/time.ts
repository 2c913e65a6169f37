import type { Brand } from './brand.js'

/** A point in time: milliseconds since the Unix epoch, UTC. Only the Clock port makes "now". */
export type Instant = Brand<number, 'Instant'>

export const instant = (ms: number): Instant => ms as Instant
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR
export const addMs = (t: Instant, ms: number): Instant => (t + ms) as Instant
export const toIso = (t: Instant): string => new Date(t).toISOString()
export const fromIso = (iso: string): Instant | undefined => {
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? instant(ms) : undefined
}
