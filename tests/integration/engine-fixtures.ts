import { createInMemoryEngine, type InMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import type { Caller } from '../../core/application/support/caller.js'
import { userCaller } from '../../core/application/support/caller.js'
import type { CreateListingInput } from '../../core/application/support/listing-input.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'

/** 2026-03-01T00:00Z: a Sunday, far enough ahead of the stays the tests book. */
export const T0 = instant(Date.UTC(2026, 2, 1))

export const testEngine = (): InMemoryEngine => createInMemoryEngine({ start: T0, passwordHashCost: 1024 })

export const listingInput = (over: Partial<CreateListingInput> = {}): CreateListingInput => ({
  title: 'Canal loft',
  propertyType: 'loft',
  roomType: 'entire_place',
  location: {
    address: '1 Keizersgracht',
    city: 'Amsterdam',
    country: 'NL',
    lat: 52.37,
    lng: 4.89,
    timezone: 'UTC',
  },
  maxGuests: 4,
  currency: 'EUR',
  pricing: { baseNightly: 10_000, cleaningFee: 2_000, serviceFeeBp: 1_000, commissionBp: 300, taxBp: 500 },
  ...over,
})

export interface World {
  readonly engine: InMemoryEngine
  readonly host: Caller
  readonly guest: Caller
  readonly admin: Caller
  readonly other: Caller
}

let counter = 0
export const makeWorld = async (engine = testEngine()): Promise<World> => {
  const { run, useCases } = engine
  const n = counter++
  const reg = async (name: string, roles: ('guest' | 'host')[]) => {
    const u = await run(
      useCases.registerUser.execute({
        email: `${name}${n}@example.com`,
        password: 'correct horse battery',
        name,
        roles,
      }),
    )
    return userCaller(u.id, u.roles)
  }
  const host = await reg('host', ['host'])
  const guest = await reg('guest', ['guest'])
  const other = await reg('other', ['guest'])
  const adminUser = await reg('admin', ['guest'])
  const admin = adminUser.kind === 'user' ? userCaller(adminUser.userId, ['admin']) : adminUser
  return { engine, host, guest, admin, other }
}

export const activeListing = async (w: World, over: Partial<CreateListingInput> = {}): Promise<Listing> => {
  const { run, useCases } = w.engine
  const l = await run(useCases.createListing.execute(w.host, listingInput(over)))
  return run(useCases.activateListing.execute(w.host, l.id))
}

/** Requests, starts payment, and has the payer confirm the card; delivers the provider's webhooks. */
export const bookAndPay = async (
  w: World,
  listingId: ListingId,
  stay: { checkIn: string; checkOut: string; guests?: number },
  guest: Caller = w.guest,
  outcome: 'succeed' | 'fail' = 'succeed',
): Promise<Booking> => {
  const { run, useCases, adapters } = w.engine
  const b = await run(
    useCases.requestBooking.execute(guest, {
      listingId,
      checkIn: stay.checkIn,
      checkOut: stay.checkOut,
      guests: stay.guests ?? 2,
    }),
  )
  const checkout = await run(useCases.startPayment.execute(guest, b.id))
  adapters.gateway.confirmPayment(checkout.payment.providerRef, outcome)
  await w.engine.deliverPaymentEvents()
  return run(useCases.getBooking.execute(guest, b.id))
}

export const bookingOf = (w: World, id: BookingId, as: Caller = w.admin) =>
  w.engine.run(w.engine.useCases.getBooking.execute(as, id))
