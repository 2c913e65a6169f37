import { describe, expect, it } from 'vitest'
import { CheckoutBooking } from '../../../core/application/checkout-booking.js'
import type { BookingId } from '../../../core/domain/shared/ids.js'
import { activeListing, makeWorld, type World } from '../../integration/engine-fixtures.js'
import { untyped } from '../../support/untyped.js'
import { failure, run } from './harness.js'

const pendingBooking = async (w: World): Promise<BookingId> => {
  const listing = await activeListing(w)
  const b = await w.engine.run(
    w.engine.useCases.requestBooking.execute(w.guest, {
      listingId: listing.id,
      checkIn: '2026-04-10',
      checkOut: '2026-04-12',
      guests: 2,
    }),
  )
  return b.id
}

describe('CheckoutBooking', () => {
  it('starts the payment of a pending booking: the booking, the payment for its quoted total and a client secret', async () => {
    const w = await makeWorld()
    const id = await pendingBooking(w)
    expect(w.engine.useCases.checkoutBooking).toBeInstanceOf(CheckoutBooking)
    const checkout = await run(w.engine.useCases.checkoutBooking.execute(w.guest, id))
    expect(checkout.booking.id).toBe(id)
    expect(checkout.booking.state).toBe('pending_payment')
    expect(checkout.payment.bookingId).toBe(id)
    expect(checkout.payment.amount).toBe(checkout.booking.quote.guestTotal)
    expect(checkout.clientSecret.length).toBeGreaterThan(0)
  })

  it('refuses auto_confirm (AutoConfirmNotAllowed, code auto_confirm_not_allowed) and starts no payment: only a development wrapper plays the payer', async () => {
    const w = await makeWorld()
    const id = await pendingBooking(w)
    const e = await failure(w.engine.useCases.checkoutBooking.execute(w.guest, id, { autoConfirm: true }))
    expect(e._tag).toBe('AutoConfirmNotAllowed')
    expect(e.code).toBe('auto_confirm_not_allowed')
    expect(await run(w.engine.useCases.listPayments.execute(w.guest, {}))).toMatchObject({ items: [] })
  })

  it('decodes its input: an unknown field or a non-boolean auto_confirm is a ValidationFailed naming the field', async () => {
    const w = await makeWorld()
    const id = await pendingBooking(w)
    const unknown = await failure(
      w.engine.useCases.checkoutBooking.execute(w.guest, id, untyped({ coupon: 'x' })),
    )
    expect(unknown._tag).toBe('ValidationFailed')
    const wrong = await failure(
      w.engine.useCases.checkoutBooking.execute(w.guest, id, untyped({ autoConfirm: 'yes' })),
    )
    expect(wrong._tag).toBe('ValidationFailed')
    expect(wrong._tag === 'ValidationFailed' && wrong.issues.map((i) => i.path)).toEqual(['autoConfirm'])
  })

  it('only the guest checks out: the host is Forbidden, a stranger gets BookingNotFound', async () => {
    const w = await makeWorld()
    const id = await pendingBooking(w)
    expect((await failure(w.engine.useCases.checkoutBooking.execute(w.host, id)))._tag).toBe('Forbidden')
    expect((await failure(w.engine.useCases.checkoutBooking.execute(w.other, id)))._tag).toBe(
      'BookingNotFound',
    )
  })
})
