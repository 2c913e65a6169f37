import { Effect } from 'effect'
import { InMemoryAvailabilityStore, ManualClock } from '../adapters/memory/index.js'
import { Rng } from '../apps/simulate/rng.js'
import { addDays, localDate, toEpochDay } from '../core/domain/shared/dates.js'
import { asId, type ListingId } from '../core/domain/shared/ids.js'
import { DAY, instant } from '../core/domain/shared/time.js'
import { fillCalendars } from './calendar-fill.js'
import { collectGarbage } from './gc.js'
import { type BenchReport, fig } from './report.js'

export interface MemoryBenchOptions {
  readonly listings: number
  readonly nights: number
  readonly occupancy: number
  /** Listings of the reference layout (one map entry per non-default night), kept smaller: it is big. */
  readonly referenceListings: number
  readonly seed: number
}

export const fullMemoryOptions: MemoryBenchOptions = {
  listings: 100_000,
  nights: 365,
  occupancy: 0.55,
  referenceListings: 10_000,
  seed: 1,
}
export const quickMemoryOptions: MemoryBenchOptions = {
  listings: 10_000,
  nights: 365,
  occupancy: 0.55,
  referenceListings: 2_000,
  seed: 1,
}

const START = instant(Date.UTC(2026, 0, 1))
const FIRST_NIGHT = localDate('2026-01-01')

/** Heap plus off-heap buffers (typed arrays live in ArrayBuffers, outside the JS heap). */
const used = (): number => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/** Units per listing, about as in the simulator's catalogue: homes have one; 12 % are hotel or hostel room types with 2-8. */
const unitsOf = (rng: Rng): number => (rng.chance(0.88) ? 1 : rng.int(2, 8))

interface Measured {
  readonly bytes: number
  readonly stays: number
  readonly storeBytes: number | null
}

/**
 * The store as the engine uses it: units set, ~occupancy of unit-nights booked (hold + confirm per
 * stay), a price override on a few nights of one listing in ten, a blocked week in one in twenty.
 */
const measureStore = (o: MemoryBenchOptions, exact: boolean): Measured => {
  const rng = new Rng(o.seed).fork('memory')
  const listings: { id: ListingId; units: number }[] = Array.from({ length: o.listings }, (_, i) => ({
    id: asId('listing', `lst_mem_${i}`),
    units: unitsOf(rng),
  }))
  if (exact) collectGarbage()
  const before = used()
  const store = new InMemoryAvailabilityStore(new ManualClock(START))
  for (const l of listings) Effect.runSync(store.setUnits(l.id, l.units))
  const stays = fillCalendars(store, listings, rng, {
    from: FIRST_NIGHT,
    nights: o.nights,
    occupancy: o.occupancy,
    holdUntil: instant(START + 400 * DAY),
  })
  for (let i = 0; i < listings.length; i++) {
    const l = listings[i]!
    if (i % 10 === 0) {
      const from = addDays(FIRST_NIGHT, rng.int(0, o.nights - 14))
      Effect.runSync(store.patchNights(l.id, from, addDays(from, 7), { priceOverride: 12_345 }))
    }
    if (i % 20 === 0) {
      const from = addDays(FIRST_NIGHT, rng.int(0, o.nights - 14))
      Effect.runSync(store.patchNights(l.id, from, addDays(from, 7), { blocked: true }))
    }
  }
  if (exact) collectGarbage()
  const bytes = used() - before
  const storeBytes = store.nightStorageBytes()
  // Keep the store alive until measured.
  if (Effect.runSync(store.calendar(listings[0]!.id, FIRST_NIGHT, addDays(FIRST_NIGHT, 1))).length !== 1)
    throw new Error('calendar lost a night')
  return { bytes, stays, storeBytes }
}

/**
 * The reference: what the same calendars cost as one map entry and one object per night that
 * differs from the default (the layout the in-memory store used before its nights became typed
 * arrays), built directly so both can be compared in one run.
 */
const measureReference = (o: MemoryBenchOptions, exact: boolean): Measured => {
  const rng = new Rng(o.seed).fork('reference')
  interface Night {
    held: number
    booked: number
    blocked: boolean
    priceOverride: number | null
    surgeBp: number | null
  }
  if (exact) collectGarbage()
  const before = used()
  const calendars = new Map<string, Map<number, Night>>()
  const meanGap = (4 * (1 - o.occupancy)) / o.occupancy
  const first = toEpochDay(FIRST_NIGHT)
  let stays = 0
  for (let i = 0; i < o.referenceListings; i++) {
    const nights = new Map<number, Night>()
    calendars.set(`lst_ref_${i}`, nights)
    const units = unitsOf(rng)
    for (let unit = 0; unit < units; unit++) {
      let day = Math.floor(-Math.log(1 - rng.float()) * meanGap)
      while (day < o.nights) {
        const len = Math.min(rng.int(1, 7), o.nights - day)
        for (let d = day; d < day + len; d++) {
          let n = nights.get(first + d)
          if (n === undefined) {
            n = { held: 0, booked: 0, blocked: false, priceOverride: null, surgeBp: null }
            nights.set(first + d, n)
          }
          n.booked++
        }
        stays++
        day += len + Math.floor(-Math.log(1 - rng.float()) * meanGap)
      }
    }
  }
  if (exact) collectGarbage()
  const bytes = used() - before
  if (calendars.size !== o.referenceListings) throw new Error('reference lost a listing')
  return { bytes, stays, storeBytes: null }
}

/**
 * Memory benchmark: bytes per listing-night of calendar in the in-memory availability store at
 * `listings` × `nights`, measured as the growth of heap + ArrayBuffer memory across building it,
 * after full garbage collections (`global.gc`, exposed at run time when node was not started with
 * --expose-gc). The same figure for a per-night map layout is measured beside it for reference.
 */
export const benchMemory = async (o: MemoryBenchOptions): Promise<BenchReport> => {
  const exact = collectGarbage()
  const store = measureStore(o, exact)
  const reference = measureReference(o, exact)
  const nights = o.listings * o.nights
  const refNights = o.referenceListings * o.nights
  const rows: BenchReport['rows'] = [
    {
      layout: 'InMemoryAvailabilityStore (typed arrays per listing)',
      listings: o.listings,
      nights: o.nights,
      'listing-nights': nights,
      stays: store.stays,
      'MB used': fig(store.bytes / 1e6),
      'bytes/listing-night': fig(store.bytes / nights),
      'night arrays bytes/listing-night': store.storeBytes === null ? '' : fig(store.storeBytes / nights),
    },
    {
      layout: 'reference: Map entry + object per non-default night',
      listings: o.referenceListings,
      nights: o.nights,
      'listing-nights': refNights,
      stays: reference.stays,
      'MB used': fig(reference.bytes / 1e6),
      'bytes/listing-night': fig(reference.bytes / refNights),
      'night arrays bytes/listing-night': '',
    },
  ]
  return {
    name: 'memory',
    rows,
    notes: [
      `measured as the growth of process.memoryUsage() heapUsed + arrayBuffers across building the store, ${exact ? 'after full GCs (global.gc)' : 'WITHOUT a forced GC (approximate)'}`,
      `88 % of listings with one unit, 12 % with 2-8; ~${Math.round(o.occupancy * 100)} % of unit-nights booked (a hold and a confirm per stay, which also keeps one allocation record per stay); 10 % of listings with a week of price overrides, 5 % with a blocked week`,
      '"night arrays" is the store\'s own count of its typed-array bytes: the rest is per-stay allocation records and per-listing maps',
    ],
  }
}

export const run = ({ quick }: { readonly quick: boolean }): Promise<BenchReport> =>
  benchMemory(quick ? quickMemoryOptions : fullMemoryOptions)
