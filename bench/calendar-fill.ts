import { Effect, Result } from 'effect'
import type { Rng } from '../apps/simulate/rng.js'
import { addDays, type LocalDate } from '../core/domain/shared/dates.js'
import { asId, type ListingId } from '../core/domain/shared/ids.js'
import type { Instant } from '../core/domain/shared/time.js'
import type { AvailabilityStore } from '../ports/availability-store.js'

export interface FillOptions {
  /** First night filled. */
  readonly from: LocalDate
  readonly nights: number
  /** Target share of unit-nights booked (0-1). */
  readonly occupancy: number
  /** Expiry of the holds before they are confirmed (any instant after "now"). */
  readonly holdUntil: Instant
}

/**
 * Books a share of every listing's calendar straight through the availability store, unit by
 * unit: stays of 1-7 nights arriving as a Poisson process (exponential gaps), so free windows of
 * every length occur, until about `occupancy` of the unit-nights are booked. Each stay is a hold
 * and a confirm, as a booking's would be. Returns how many stays were booked.
 */
export const fillCalendars = (
  store: AvailabilityStore,
  listings: readonly { readonly id: ListingId; readonly units: number }[],
  rng: Rng,
  o: FillOptions,
): number => {
  const meanGap = (4 * (1 - o.occupancy)) / Math.max(0.01, o.occupancy)
  const gap = () => Math.floor(-Math.log(1 - rng.float()) * meanGap)
  const dates = Array.from({ length: o.nights + 1 }, (_, d) => addDays(o.from, d))
  let stays = 0
  for (const l of listings) {
    const fill = Effect.gen(function* () {
      for (let unit = 0; unit < l.units; unit++) {
        let day = gap()
        while (day < o.nights) {
          const len = Math.min(rng.int(1, 7), o.nights - day)
          const id = asId('booking', `bkg_fill_${stays}`)
          const held = yield* Effect.result(
            store.hold(l.id, id, { checkIn: dates[day]!, checkOut: dates[day + len]! }, o.holdUntil),
          )
          if (Result.isSuccess(held)) {
            yield* Effect.orDie(store.confirm(l.id, id))
            stays++
          }
          day += len + gap()
        }
      }
    })
    Effect.runSync(fill)
  }
  return stays
}
