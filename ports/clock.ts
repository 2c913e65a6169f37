import type { Instant } from '../core/domain/shared/time.js'
import { token } from './tokens.js'

/** The only source of "now" for the core. */
export interface Clock {
  now(): Instant
}
export const Clock = token<Clock>('Clock')
