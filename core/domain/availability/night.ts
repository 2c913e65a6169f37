import type { LocalDate } from '../shared/dates.js'

/** One night of one listing's calendar, as the AvailabilityStore port reports it. */
export interface NightState {
  readonly date: LocalDate
  readonly units: number
  /** Units held by unexpired holds. */
  readonly held: number
  readonly booked: number
  readonly blocked: boolean
  readonly priceOverride: number | null
  readonly surgeBp: number | null
  /** `availableUnits(units, held, booked, blocked)`. */
  readonly available: number
}

/**
 * Units of a night that can still be sold: units − held − booked, and 0 when the night is blocked;
 * never negative (a listing whose units were lowered under what is already taken has none free).
 */
export const availableUnits = (units: number, held: number, booked: number, blocked: boolean): number => {
  if (blocked) return 0
  const free = units - held - booked
  return free > 0 ? free : 0
}

/** Whether a stay may take this night: at least one unit available. */
export const hasFreeUnit = (n: Pick<NightState, 'available'>): boolean => n.available >= 1

/** Units of a night already spoken for, held or booked (may exceed `units` after units were lowered). */
export const unitsTaken = (n: Pick<NightState, 'held' | 'booked'>): number => n.held + n.booked
