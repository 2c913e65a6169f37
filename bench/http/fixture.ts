import { Effect, Result } from 'effect'
import { listingTag, SEARCH_TAG } from '../../adapters/http/cache-invalidation.js'
import type { InMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { userCaller } from '../../core/application/support/caller.js'
import type { CreateListingInput } from '../../core/application/support/listing-input.js'
import { addDays, type LocalDate, localDate } from '../../core/domain/shared/dates.js'
import { asId, type ListingId } from '../../core/domain/shared/ids.js'
import { DAY, instant } from '../../core/domain/shared/time.js'
import type { Cache } from '../../ports/cache.js'

/**
 * The data the HTTP benchmark server seeds (in its own process) and what it tells the parent: which
 * listings and searches to ask for, which listings and nights bookings may take without colliding,
 * and the guests' access tokens.
 */

export interface FixtureOptions {
  /** Listings in the searched cities (targets of GET /listings/{id} and of searches). */
  readonly listings: number
  /** One-unit listings elsewhere whose free nights the booking benchmark takes, two nights at a time. */
  readonly poolListings: number
  /** Guests registered and signed in (each may hold 3 pending bookings). */
  readonly guests: number
  /** Distinct search queries. */
  readonly searchQueries: number
  /** Share of the searched listings' unit-nights booked before measuring (0-1). */
  readonly occupancy: number
  /** Fetch every target once to record its response size (the bare twin needs them). */
  readonly measure: boolean
  readonly seed: number
}

export interface BookingPool {
  readonly listingIds: readonly string[]
  /** First check-in of the pool: slot k checks in on firstNight + k × nights. */
  readonly firstNight: string
  readonly slots: number
  readonly nights: number
}

export interface ApiFixture {
  readonly listingIds: readonly string[]
  readonly searchPaths: readonly string[]
  readonly pool: BookingPool
  /** A fresh one-unit listing and one night of it, for the contention benchmark. */
  readonly contention: { readonly listingId: string; readonly checkIn: string; readonly checkOut: string }
  /** Access tokens of the guests, in registration order. */
  readonly tokens: readonly string[]
  /** Response sizes in bytes (when measured): per listing id, per search path, one booking. */
  readonly bytes: {
    readonly listing: Readonly<Record<string, number>>
    readonly search: Readonly<Record<string, number>>
    readonly booking: number
  } | null
  readonly setupMs: number
}

/** Small deterministic generator (mulberry32), so every server process builds the same queries. */
export class Prng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!
  }
}

interface City {
  readonly name: string
  readonly country: string
  readonly timezone: string
  readonly currency: string
  readonly lat: number
  readonly lng: number
  readonly nightly: number
  readonly taxBp: number
}

export const SEARCHED_CITIES: readonly City[] = [
  {
    name: 'Lisbon',
    country: 'PT',
    timezone: 'Europe/Lisbon',
    currency: 'EUR',
    lat: 38.7223,
    lng: -9.1393,
    nightly: 9_000,
    taxBp: 400,
  },
  {
    name: 'Barcelona',
    country: 'ES',
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    lat: 41.3874,
    lng: 2.1686,
    nightly: 11_000,
    taxBp: 500,
  },
  {
    name: 'Paris',
    country: 'FR',
    timezone: 'Europe/Paris',
    currency: 'EUR',
    lat: 48.8566,
    lng: 2.3522,
    nightly: 14_000,
    taxBp: 500,
  },
  {
    name: 'London',
    country: 'GB',
    timezone: 'Europe/London',
    currency: 'GBP',
    lat: 51.5072,
    lng: -0.1276,
    nightly: 13_000,
    taxBp: 0,
  },
  {
    name: 'New York',
    country: 'US',
    timezone: 'America/New_York',
    currency: 'USD',
    lat: 40.7128,
    lng: -74.006,
    nightly: 19_000,
    taxBp: 1_475,
  },
  {
    name: 'Tokyo',
    country: 'JP',
    timezone: 'Asia/Tokyo',
    currency: 'JPY',
    lat: 35.6762,
    lng: 139.6503,
    nightly: 16_000,
    taxBp: 1_000,
  },
]

/** Pool, contention and sample listings live here, out of the searched cities. */
const POOL_CITY: City = {
  name: 'Porto',
  country: 'PT',
  timezone: 'Europe/Lisbon',
  currency: 'EUR',
  lat: 41.1579,
  lng: -8.6291,
  nightly: 8_000,
  taxBp: 200,
}

const kinds = [
  {
    propertyType: 'apartment',
    roomType: 'entire_place',
    units: [1, 1],
    price: 1,
    guests: [2, 4],
    amenities: ['wifi', 'kitchen', 'washer', 'air_conditioning', 'workspace', 'elevator'],
  },
  {
    propertyType: 'house',
    roomType: 'entire_place',
    units: [1, 1],
    price: 1.8,
    guests: [4, 8],
    amenities: ['wifi', 'kitchen', 'washer', 'garden', 'parking'],
  },
  {
    propertyType: 'loft',
    roomType: 'entire_place',
    units: [1, 1],
    price: 1.3,
    guests: [2, 3],
    amenities: ['wifi', 'kitchen', 'workspace'],
  },
  {
    propertyType: 'bnb',
    roomType: 'private_room',
    units: [1, 1],
    price: 0.55,
    guests: [1, 2],
    amenities: ['wifi', 'breakfast'],
  },
  {
    propertyType: 'hotel',
    roomType: 'hotel_room',
    units: [3, 12],
    price: 1.1,
    guests: [2, 3],
    amenities: ['wifi', 'air_conditioning', 'gym', 'breakfast'],
  },
] as const

const adjectives = ['Sunny', 'Quiet', 'Central', 'Bright', 'Cosy', 'Modern', 'Classic', 'Airy', 'Leafy']
const policies = ['flexible', 'moderate', 'firm', 'strict', '48h'] as const

/** Whole hundreds of minor units. */
const nice = (x: number): number => Math.max(100, Math.round(x / 100) * 100)

/** A varied, realistic listing of `city`: bookable a year ahead, one night minimum, instant or request. */
export const listingInput = (rng: Prng, city: City, n: number, units?: number): CreateListingInput => {
  const kind = rng.pick(kinds)
  const adjective = rng.pick(adjectives)
  const baseNightly = nice(city.nightly * kind.price * (0.7 + rng.next() * 0.6))
  const entire = kind.roomType === 'entire_place'
  const maxGuests = rng.int(kind.guests[0], kind.guests[1])
  return {
    title: `${adjective} ${city.name} ${kind.propertyType} #${n}`,
    description: `A ${adjective.toLowerCase()} ${kind.propertyType} in ${city.name}, close to transport, shops and the old town. Fresh linen and towels, fast wifi, self check-in.`,
    propertyType: kind.propertyType,
    roomType: kind.roomType,
    location: {
      address: `${rng.int(1, 250)} Bench Street`,
      city: city.name,
      country: city.country,
      lat: Math.round((city.lat + (rng.next() - 0.5) * 0.08) * 1e5) / 1e5,
      lng: Math.round((city.lng + (rng.next() - 0.5) * 0.1) * 1e5) / 1e5,
      timezone: city.timezone,
    },
    amenities: kind.amenities.filter(() => rng.next() < 0.8),
    photos: [1, 2, 3].map((k) => ({
      url: `https://images.example.com/${city.name.toLowerCase().replace(/\s/g, '-')}/${n}/${k}.jpg`,
      caption: k === 1 ? 'Living room' : k === 2 ? 'Bedroom' : 'View',
    })),
    maxGuests,
    units: units ?? rng.int(kind.units[0], kind.units[1]),
    currency: city.currency,
    bookingMode: units !== undefined || rng.next() < 0.75 ? 'instant' : 'request',
    cancellationPolicy: rng.pick(policies),
    houseRules: rng.next() < 0.5 ? ['No parties', 'No smoking'] : [],
    restrictions: { minNights: 1, maxNights: 30, advanceNoticeDays: 0, bookingWindowDays: 365 },
    pricing: {
      baseNightly,
      weekendNightly: rng.next() < 0.5 ? nice(baseNightly * 1.2) : null,
      weeklyDiscountBp: rng.next() < 0.4 ? 1_000 : 0,
      cleaningFee: entire ? nice(baseNightly * 0.3) : 0,
      serviceFeeBp: 1_300,
      commissionBp: 300,
      taxBp: city.taxBp,
    },
  }
}

/** Today's date in UTC; listings' local dates may differ by one day, so stays start a few days later. */
const todayUtc = (now: number): LocalDate => localDate(new Date(now).toISOString().slice(0, 10))

/** Search paths: a city, a stay within the booking window, 1-3 guests, a page of 20 by price. */
export const searchPaths = (count: number, seed: number, now: number): string[] => {
  const rng = new Prng(seed ^ 0x5eac)
  const today = todayUtc(now)
  const out = new Set<string>()
  for (let tries = 0; out.size < count && tries < count * 20; tries++) {
    const city = rng.pick(SEARCHED_CITIES)
    const checkIn = addDays(today, rng.int(3, 330))
    const checkOut = addDays(checkIn, rng.int(1, 7))
    const guests = rng.int(1, 3)
    out.add(
      `/api/v1/listings?city=${encodeURIComponent(city.name)}&check_in=${checkIn}&check_out=${checkOut}&guests=${guests}&limit=20`,
    )
  }
  return [...out]
}

/** Runs `task` over `items` with at most `width` in flight. */
export const pool = async <T, R>(
  items: readonly T[],
  width: number,
  task: (t: T, i: number) => Promise<R>,
) => {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await task(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return out
}

const PASSWORD = 'benchmark passphrase'

/** Books about `occupancy` of every unit-night of a year straight through the availability store. */
const fillCalendars = (
  engine: InMemoryEngine,
  ids: readonly ListingId[],
  units: readonly number[],
  rng: Prng,
  occupancy: number,
  now: number,
) => {
  if (occupancy <= 0) return 0
  const store = engine.adapters.availability
  const first = todayUtc(now)
  const expires = instant(now + 400 * DAY)
  const meanGap = (4 * (1 - occupancy)) / Math.max(0.01, occupancy)
  let stays = 0
  ids.forEach((id, li) => {
    for (let unit = 0; unit < units[li]!; unit++) {
      let day = Math.floor(rng.next() * meanGap * 2)
      while (day < 365) {
        const len = Math.min(rng.int(1, 7), 365 - day)
        const bookingId = asId('booking', `bkg_fill_${stays}`)
        const stay = { checkIn: addDays(first, day), checkOut: addDays(first, day + len) }
        if (Result.isSuccess(Effect.runSync(Effect.result(store.hold(id, bookingId, stay, expires))))) {
          Effect.runSync(Effect.result(store.confirm(id, bookingId)))
          stays++
        }
        day += len + Math.floor(rng.next() * meanGap * 2)
      }
    }
  })
  return stays
}

interface LoginBody {
  readonly access_token: string
}

/**
 * Seeds the engine behind a listening API at `url`: hosts and listings through the use cases, a year
 * of bookings on the searched listings, guests registered through the use case and signed in over
 * HTTP (the real login route), then, when asked, every target fetched once to learn its size.
 */
export const seedFixture = async (
  engine: InMemoryEngine,
  cache: Cache,
  url: string,
  o: FixtureOptions,
): Promise<ApiFixture> => {
  const started = performance.now()
  const uc = engine.promises
  const rng = new Prng(o.seed)
  const run = `${Math.floor(engine.adapters.clock.now())}`

  const hostCount = Math.max(2, Math.ceil((o.listings + o.poolListings) / 25))
  const hosts = await pool(
    Array.from({ length: hostCount }, (_, i) => i),
    4,
    async (i) => {
      const u = await uc.registerUser({
        email: `host${i}.${run}@bench.example`,
        password: PASSWORD,
        name: `Host ${i}`,
        roles: ['guest', 'host'],
      })
      return userCaller(u.id, u.roles)
    },
  )
  const create = async (input: CreateListingInput, i: number) => {
    const host = hosts[i % hosts.length]!
    const l = await uc.createListing(host, input)
    return (await uc.activateListing(host, l.id)).id
  }
  const searched: ListingId[] = []
  const units: number[] = []
  for (let i = 0; i < o.listings; i++) {
    const input = listingInput(rng, SEARCHED_CITIES[i % SEARCHED_CITIES.length]!, i)
    searched.push(await create(input, i))
    units.push(input.units ?? 1)
  }
  const poolIds: ListingId[] = []
  for (let i = 0; i < o.poolListings; i++) poolIds.push(await create(listingInput(rng, POOL_CITY, i, 1), i))
  const contentionId = await create(listingInput(rng, POOL_CITY, o.poolListings, 1), 0)
  const sampleId = await create(listingInput(rng, POOL_CITY, o.poolListings + 1, 1), 1)
  const now = engine.adapters.clock.now()
  fillCalendars(engine, searched, units, rng, o.occupancy, now)

  const today = todayUtc(now)
  const nights = 2
  const firstNight = addDays(today, 3)
  // The booking window is 365 days from the listing's local today.
  const slots = Math.floor((365 - 3 - 2) / nights)

  const login = async (email: string): Promise<string> => {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
    if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status}: ${await res.text()}`)
    return ((await res.json()) as LoginBody).access_token
  }
  const tokens = await pool(
    Array.from({ length: o.guests + 1 }, (_, i) => i),
    8,
    async (i) => {
      const email = `guest${i}.${run}@bench.example`
      await uc.registerUser({ email, password: PASSWORD, name: `Guest ${i}` })
      return login(email)
    },
  )
  const sampler = tokens.pop()!

  const paths = searchPaths(o.searchQueries, o.seed, now)
  let bytes: ApiFixture['bytes'] = null
  if (o.measure) {
    const size = async (path: string, init?: RequestInit): Promise<number> => {
      const res = await fetch(`${url}${path}`, init)
      const body = Buffer.from(await res.arrayBuffer())
      if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${body.toString()}`)
      return body.length
    }
    const listing: Record<string, number> = {}
    await pool(searched, 8, async (id) => {
      listing[id] = await size(`/api/v1/listings/${id}`)
    })
    const search: Record<string, number> = {}
    await pool(paths, 4, async (p) => {
      search[p] = await size(p)
    })
    const booking = await size('/api/v1/bookings', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${sampler}`,
        'idempotency-key': `sample-${run}`,
      },
      body: JSON.stringify({
        listing_id: sampleId,
        check_in: firstNight,
        check_out: addDays(firstNight, nights),
        guests: 1,
      }),
    })
    bytes = { listing, search, booking }
    // Start the measured runs as cold as the servers that did not measure.
    await Effect.runPromise(cache.invalidateTags([SEARCH_TAG, ...searched.map(listingTag)]))
  }
  return {
    listingIds: searched,
    searchPaths: paths,
    pool: { listingIds: poolIds, firstNight, slots, nights },
    contention: { listingId: contentionId, checkIn: addDays(today, 10), checkOut: addDays(today, 11) },
    tokens,
    bytes,
    setupMs: Math.round(performance.now() - started),
  }
}
