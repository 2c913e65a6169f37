import { expect } from 'vitest'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import type { CalendarNight } from '../../core/application/get-calendar.js'
import type { SearchHit } from '../../core/application/search-listings.js'
import { type Caller, userCaller } from '../../core/application/support/caller.js'
import type { CoreSettings } from '../../core/application/support/deps.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import type { ListingId } from '../../core/domain/shared/ids.js'
import { makeWorld, T0, type World } from './engine-fixtures.js'

/** Awaits a promise that must reject; returns what it rejected with. */
export const failure = async (p: Promise<unknown>): Promise<unknown> => {
  const outcome = await p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  if (outcome.ok) expect.fail(`expected a rejection, got ${JSON.stringify(outcome.value)}`)
  return outcome.error
}

/** A world whose engine has some settings changed. */
export const worldWith = (settings: Partial<CoreSettings>): Promise<World> =>
  makeWorld(createInMemoryEngine({ start: T0, passwordHashCost: 1024, settings }))

let extra = 0
/** One more registered user (guest by default) in the world's engine. */
export const newUser = async (w: World, roles: ('guest' | 'host')[] = ['guest']): Promise<Caller> => {
  const n = extra++
  const u = await w.engine.run(
    w.engine.useCases.registerUser.execute({
      email: `extra${n}@example.com`,
      password: 'correct horse battery',
      name: `Extra ${n}`,
      roles,
    }),
  )
  return userCaller(u.id, u.roles)
}

export const calendar = (
  w: World,
  listingId: ListingId,
  from: string,
  to: string,
  as: Caller = w.host,
): Promise<readonly CalendarNight[]> =>
  w.engine.run(w.engine.useCases.getCalendar.execute(as, listingId, { from, to }))

/** Every payment of a booking, oldest first (as the admin sees them). */
export const paymentsOf = async (w: World, booking: Booking, payer: Caller = w.guest): Promise<Payment[]> => {
  const page = await w.engine.run(w.engine.useCases.listPayments.execute(payer, { limit: 100 }))
  return page.items
    .filter((p) => p.bookingId === booking.id)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}

/** Requests a stay without paying for it. */
export const requestStay = (
  w: World,
  listingId: ListingId,
  stay: { checkIn: string; checkOut: string; guests?: number },
  guest: Caller = w.guest,
): Promise<Booking> =>
  w.engine.run(
    w.engine.useCases.requestBooking.execute(guest, {
      listingId,
      checkIn: stay.checkIn,
      checkOut: stay.checkOut,
      guests: stay.guests ?? 2,
    }),
  )

/** Every hit of a search, page by page: the listings' ids in order, and how many pages it took. */
export const searchAll = async (
  w: World,
  query: Record<string, unknown>,
  limit: number,
): Promise<{ hits: SearchHit[]; pages: number }> => {
  const hits: SearchHit[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: { items: readonly SearchHit[]; nextCursor: string | null } = await w.engine.run(
      w.engine.useCases.searchListings.execute({ ...query, limit, ...(cursor === null ? {} : { cursor }) }),
    )
    hits.push(...page.items)
    cursor = page.nextCursor
    pages++
    if (pages > 1000) throw new Error('pagination does not end')
  } while (cursor !== null)
  return { hits, pages }
}

export const ids = (xs: readonly { listing: Listing }[]): string[] => xs.map((h) => h.listing.id)

/**
 * Books and pays `stay`, lets it complete, and has guest and host review it (both sides, so the
 * reviews are revealed and the guest's rating counts in the listing's aggregate at once).
 */
export const stayAndReview = async (
  w: World,
  listingId: ListingId,
  stay: { checkIn: string; checkOut: string },
  rating: number,
  guest: Caller = w.guest,
): Promise<Booking> => {
  const { run, useCases, adapters } = w.engine
  const b = await run(useCases.requestBooking.execute(guest, { listingId, ...stay, guests: 1 }))
  const checkout = await run(useCases.startPayment.execute(guest, b.id))
  adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
  await w.engine.deliverPaymentEvents()
  const confirmed = await run(useCases.getBooking.execute(guest, b.id))
  if (adapters.clock.now() < confirmed.points.checkOutAt!) {
    adapters.clock.set(confirmed.points.checkInAt!)
    await w.engine.tick()
    adapters.clock.set(confirmed.points.checkOutAt!)
    await w.engine.tick()
  }
  await run(useCases.postReview.execute(guest, { bookingId: b.id, rating }))
  await run(useCases.postReview.execute(w.host, { bookingId: b.id, rating: 5 }))
  return run(useCases.getBooking.execute(guest, b.id))
}
