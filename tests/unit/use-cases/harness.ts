import { Effect, Exit } from 'effect'
import {
  InMemoryAvailabilityStore,
  InMemoryBookingRepository,
  InMemoryEventPublisher,
  InMemoryGuestProfileRepository,
  InMemoryListingRepository,
  InMemoryOutbox,
  InMemoryPaymentGateway,
  InMemoryPaymentRepository,
  InMemoryReviewRepository,
  InMemorySessionStore,
  InMemoryUserRepository,
  InMemoryWishlistRepository,
  ManualClock,
  RecordingNotifier,
  SequentialIdGenerator,
} from '../../../adapters/memory/index.js'
import { CryptoSecretGenerator } from '../../../adapters/node/crypto-secret-generator.js'
import { ScryptPasswordHasher } from '../../../adapters/node/scrypt-password-hasher.js'
import { type Caller, userCaller } from '../../../core/application/support/caller.js'
import { defaultSettings } from '../../../core/application/support/deps.js'
import type { Booking } from '../../../core/domain/bookings/booking.js'
import type { EventType } from '../../../core/domain/events/events.js'
import type { Listing } from '../../../core/domain/listings/listing.js'
import type { Quote } from '../../../core/domain/pricing/quote.js'
import { localDate, type Stay } from '../../../core/domain/shared/dates.js'
import { asId, type ListingId, type UserId } from '../../../core/domain/shared/ids.js'
import { currency } from '../../../core/domain/shared/money.js'
import { DAY, type Instant, instant } from '../../../core/domain/shared/time.js'
import type { Role, User } from '../../../core/domain/users/user.js'
import { makeBooking as baseBooking, makeListing as baseListing } from '../../contract/fixtures.js'

export const T0 = instant(Date.UTC(2026, 0, 1))
export const USD = currency('USD')
export const EUR = currency('EUR')

export const run = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e)
/** The typed failure of an effect that must fail (a success or a defect rejects the promise). */
export const failure = <A, E>(e: Effect.Effect<A, E>): Promise<E> => Effect.runPromise(Effect.flip(e))
/** True when the effect died (a defect rather than a typed failure). */
export const died = async <A, E>(e: Effect.Effect<A, E>): Promise<boolean> => {
  const exit = await Effect.runPromiseExit(e)
  return Exit.isFailure(exit) && !Exit.hasFails(exit)
}

/** Every port the use cases under test need, in memory, with a manual clock and sequential ids. */
export const world = () => {
  const outbox = new InMemoryOutbox()
  const clock = new ManualClock(T0)
  return {
    outbox,
    clock,
    ids: new SequentialIdGenerator(),
    users: new InMemoryUserRepository(outbox),
    listings: new InMemoryListingRepository(outbox),
    bookings: new InMemoryBookingRepository(outbox),
    payments: new InMemoryPaymentRepository(outbox),
    availability: new InMemoryAvailabilityStore(clock),
    gateway: new InMemoryPaymentGateway({ clock, secret: 'whsec_unit_harness' }),
    reviews: new InMemoryReviewRepository(outbox),
    wishlists: new InMemoryWishlistRepository(),
    guestProfiles: new InMemoryGuestProfileRepository(),
    publisher: new InMemoryEventPublisher(),
    hasher: new ScryptPasswordHasher({ N: 2 ** 4, r: 1, p: 1 }),
    notifier: new RecordingNotifier(),
    secrets: new CryptoSecretGenerator(),
    sessions: new InMemorySessionStore(),
    settings: defaultSettings,
  }
}
export type World = ReturnType<typeof world>

export const eventTypes = (w: World): EventType[] => w.outbox.pendingEvents().map((e) => e.type)

export const as = (id: string, ...roles: Role[]): Caller =>
  userCaller(asId('user', id), roles.length > 0 ? roles : ['guest'])
export const uid = (id: string): UserId => asId('user', id)
export const lid = (id: string): ListingId => asId('listing', id)

export const makeUser = (id: string, overrides: Partial<User> = {}): User => ({
  id: asId('user', id),
  email: `${id}@example.com`,
  name: `User ${id}`,
  roles: ['guest'],
  profile: { bio: '', avatarUrl: null, phone: null, languages: ['en'] },
  status: 'active',
  emailVerifiedAt: null,
  emailVerification: null,
  passwordReset: null,
  passwordHash: 'scrypt$invalid',
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...overrides,
})

/** A listing built directly, on the contract suites' fixture (host `usr_host`, UTC). */
export const makeListing = (id: string, overrides: Partial<Listing> = {}): Listing =>
  baseListing(id, {
    hostId: asId('user', 'usr_host'),
    location: {
      address: '1 Main St',
      city: 'Lisbon',
      country: 'PT',
      lat: 38.72,
      lng: -9.14,
      timezone: 'UTC',
    },
    amenities: ['wifi'],
    ...overrides,
  })

export const stay = (checkIn: string, checkOut: string): Stay => ({
  checkIn: localDate(checkIn),
  checkOut: localDate(checkOut),
})

const quoteFor = (listingId: ListingId, s: Stay, guestTotal: number, hostPayout: number): Quote => ({
  listingId,
  stay: s,
  guests: 2,
  currency: USD,
  nights: [],
  guestLines: [],
  hostLines: [],
  guestTotal,
  hostPayout,
  platformFee: guestTotal - hostPayout,
  tax: 0,
})

/** Check-out of the default completed stay (2026-01-02 → 2026-01-05), at 11:00 UTC. */
export const CHECK_OUT_AT: Instant = instant(Date.UTC(2026, 0, 5, 11))

export interface BookingOptions extends Partial<Booking> {
  readonly guestTotal?: number
  readonly hostPayout?: number
}

/** A booking built directly (the booking use cases are not under test here). Completed by default. */
export const makeBooking = (id: string, options: BookingOptions = {}): Booking => {
  const { guestTotal = 30_000, hostPayout = 27_000, ...overrides } = options
  const s = overrides.stay ?? stay('2026-01-02', '2026-01-05')
  const listingId = overrides.listingId ?? asId('listing', 'lst_1')
  return baseBooking(id, {
    listingId,
    hostId: asId('user', 'usr_host'),
    guestId: asId('user', 'usr_guest'),
    stay: s,
    state: 'completed',
    quote: quoteFor(listingId, s, guestTotal, hostPayout),
    timezone: 'UTC',
    points: {
      requestedAt: T0,
      authorizedAt: null,
      checkInAt: instant(Date.UTC(2026, 0, 2, 15)),
      checkOutAt: CHECK_OUT_AT,
    },
    paidAmount: guestTotal,
    ...overrides,
  })
}

export const DAYS = (n: number) => n * DAY

/**
 * A completed stay ready for reviews: listing `lst_1` of `usr_host`, booking `bkg_1` of `usr_guest`
 * (checked out at CHECK_OUT_AT), and the clock one day after check-out.
 */
export const reviewWorld = async () => {
  const w = world()
  await run(w.users.save(makeUser('usr_host', { roles: ['guest', 'host'] }), []))
  await run(w.users.save(makeUser('usr_guest', { email: 'guest@example.com' }), []))
  await run(w.listings.save(makeListing('lst_1'), []))
  await run(w.bookings.save(makeBooking('bkg_1'), []))
  w.clock.set(CHECK_OUT_AT + DAY)
  return w
}

export const guest = userCaller(asId('user', 'usr_guest'), ['guest'])
export const host = userCaller(asId('user', 'usr_host'), ['guest', 'host'])
export const admin = userCaller(asId('user', 'usr_admin'), ['admin'])

export const listingRating = async (w: World, id = 'lst_1') => {
  const l = await run(w.listings.byId(asId('listing', id)))
  if (l._tag === 'None') throw new Error(`no listing ${id}`)
  return l.value.rating
}
