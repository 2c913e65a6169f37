import { describe, expect, it } from 'vitest'
import type { Caller } from '../../../core/application/support/caller.js'
import type { UserId } from '../../../core/domain/shared/ids.js'
import {
  activeListing,
  bookAndPay,
  bookingOf,
  makeWorld,
  type World,
} from '../../integration/engine-fixtures.js'
import { untyped } from '../../support/untyped.js'
import { failure, run } from './harness.js'

/** Issue 15: suspension means suspension — for the suspended user's writes, listings and bookings. */

const idOf = (c: Caller): UserId => {
  if (c.kind !== 'user') throw new Error('a user caller')
  return c.userId
}

const suspendHost = (w: World, upcomingBookings?: 'keep' | 'cancel') =>
  w.engine.run(
    w.engine.useCases.suspendUser.execute(w.admin, {
      userId: idOf(w.host),
      reason: 'fraud',
      ...(upcomingBookings === undefined ? {} : { upcomingBookings }),
    }),
  )

const stay = { checkIn: '2026-04-10', checkOut: '2026-04-12', guests: 2 }

describe('AuthorizeWrite', () => {
  it('lets an active user write, and refuses a suspended one at once (UserSuspended), whatever their token', async () => {
    const w = await makeWorld()
    const uc = w.engine.useCases
    await run(uc.authorizeWrite.execute(w.host))
    await suspendHost(w)
    const e = await failure(uc.authorizeWrite.execute(w.host))
    expect(e._tag).toBe('UserSuspended')
    await run(uc.reinstateUser.execute(w.admin, { userId: idOf(w.host) }))
    await run(uc.authorizeWrite.execute(w.host))
  })

  it('the system and anonymous callers pass (their rights are each use case’s business)', async () => {
    const w = await makeWorld()
    await run(w.engine.useCases.authorizeWrite.execute({ kind: 'system' }))
    await run(w.engine.useCases.authorizeWrite.execute({ kind: 'anonymous' }))
  })
})

describe("a suspended host's listings", () => {
  it('leave search, and come back on reinstatement', async () => {
    const w = await makeWorld()
    const uc = w.engine.useCases
    const listing = await activeListing(w)
    const ids = async () =>
      (await run(uc.searchListings.execute({ city: 'Amsterdam' }))).items.map((h) => h.listing.id)
    const withDates = async () =>
      (
        await run(
          uc.searchListings.execute({ city: 'Amsterdam', checkIn: stay.checkIn, checkOut: stay.checkOut }),
        )
      ).items.map((h) => h.listing.id)
    expect(await ids()).toContain(listing.id)
    await suspendHost(w)
    expect(await ids()).not.toContain(listing.id)
    expect(await withDates()).not.toContain(listing.id)
    await run(uc.reinstateUser.execute(w.admin, { userId: idOf(w.host) }))
    expect(await ids()).toContain(listing.id)
    expect(await withDates()).toContain(listing.id)
  })

  it('refuse quotes and bookings with HostSuspended (409 host_suspended), holding no night', async () => {
    const w = await makeWorld()
    const uc = w.engine.useCases
    const listing = await activeListing(w)
    await suspendHost(w)
    const q = await failure(uc.quoteStay.execute(w.guest, listing.id, stay))
    expect(q._tag).toBe('HostSuspended')
    expect(q.code).toBe('host_suspended')
    const b = await failure(uc.requestBooking.execute(w.guest, { listingId: listing.id, ...stay }))
    expect(b._tag).toBe('HostSuspended')
    const nights = await run(
      uc.getCalendar.execute(w.host, listing.id, { from: stay.checkIn, to: stay.checkOut }),
    )
    expect(nights.map((n) => n.available)).toEqual([1, 1])
  })
})

describe("a suspended host's existing bookings (kept)", () => {
  it('a pending one cannot be paid (HostSuspended; unpaid, it expires), a confirmed one cannot change dates', async () => {
    const w = await makeWorld()
    const uc = w.engine.useCases
    const listing = await activeListing(w)
    const confirmed = await bookAndPay(w, listing.id, stay)
    const pending = await run(
      uc.requestBooking.execute(w.other, {
        listingId: listing.id,
        checkIn: '2026-05-01',
        checkOut: '2026-05-03',
        guests: 1,
      }),
    )
    await suspendHost(w, 'keep')
    expect((await failure(uc.checkoutBooking.execute(w.other, pending.id)))._tag).toBe('HostSuspended')
    expect((await failure(uc.startPayment.execute(w.other, pending.id)))._tag).toBe('HostSuspended')
    const moved = await failure(uc.modifyBooking.execute(w.guest, confirmed.id, { checkOut: '2026-04-13' }))
    expect(moved._tag).toBe('HostSuspended')
    expect((await bookingOf(w, confirmed.id)).stay.checkOut).toBe('2026-04-12')
    expect(await run(uc.listPayments.execute(w.other, {}))).toMatchObject({ items: [] })
  })
})

describe('SuspendUser: the host’s upcoming bookings', () => {
  const setup = async () => {
    const w = await makeWorld()
    const listing = await activeListing(w)
    const confirmed = await bookAndPay(w, listing.id, stay)
    expect(confirmed.state).toBe('confirmed')
    const later = await bookAndPay(w, listing.id, { checkIn: '2026-05-01', checkOut: '2026-05-04' }, w.other)
    expect(later.state).toBe('confirmed')
    return { w, listing, confirmed, later }
  }

  it('keep (and the default) leaves them confirmed', async () => {
    const { w, confirmed, later } = await setup()
    await suspendHost(w)
    expect((await bookingOf(w, confirmed.id)).state).toBe('confirmed')
    await run(w.engine.useCases.reinstateUser.execute(w.admin, { userId: idOf(w.host) }))
    await suspendHost(w, 'keep')
    expect((await bookingOf(w, later.id)).state).toBe('confirmed')
  })

  it('cancel cancels each as the admin: a full refund, the nights freed, booking.cancelled written', async () => {
    const { w, listing, confirmed, later } = await setup()
    const user = await suspendHost(w, 'cancel')
    expect(user.status).toBe('suspended')
    for (const b of [confirmed, later]) {
      const after = await bookingOf(w, b.id)
      expect(after.state).toBe('cancelled')
      expect(after.cancellation).toMatchObject({
        by: 'admin',
        refundAmount: b.quote.guestTotal,
        retainedAmount: 0,
      })
    }
    await w.engine.deliverPaymentEvents()
    const payments = await run(w.engine.useCases.listPayments.execute(w.guest, {}))
    expect(payments.items.map((p) => p.status)).toEqual(['refunded'])
    const cancelled = w.engine.adapters.outbox
      .pendingEvents()
      .filter((e) => e.type === 'innkeeper.booking.cancelled.v1')
      .map((e) => e.subject)
    expect(cancelled.sort()).toEqual([confirmed.id, later.id].sort())
    const nights = await run(
      w.engine.useCases.getCalendar.execute(w.admin, listing.id, { from: stay.checkIn, to: stay.checkOut }),
    )
    expect(nights.map((n) => n.available)).toEqual([1, 1])
  })

  it('cancel leaves a stay already under way, and repeating the suspension finishes what is left', async () => {
    const { w, confirmed, later } = await setup()
    await w.engine.run(
      w.engine.useCases.cancelBooking.execute(w.guest, confirmed.id, { reason: 'changed plans' }),
    )
    await suspendHost(w, 'cancel')
    await suspendHost(w, 'cancel')
    expect((await bookingOf(w, confirmed.id)).cancellation?.by).toBe('guest')
    expect((await bookingOf(w, later.id)).cancellation?.by).toBe('admin')
  })

  it('refuses an unknown choice (ValidationFailed naming upcomingBookings) and changes nothing', async () => {
    const { w, confirmed } = await setup()
    const e = await failure(
      w.engine.useCases.suspendUser.execute(
        w.admin,
        untyped({ userId: idOf(w.host), upcomingBookings: 'refund_half' }),
      ),
    )
    expect(e._tag === 'ValidationFailed' && e.issues.map((i) => i.path)).toEqual(['upcomingBookings'])
    expect((await bookingOf(w, confirmed.id)).state).toBe('confirmed')
  })
})
