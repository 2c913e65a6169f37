import { describe, expect, it } from 'vitest'
import { MINUTE } from '../../core/domain/shared/time.js'
import type { World } from './engine-fixtures.js'
import { activeListing, bookAndPay, bookingOf, makeWorld } from './engine-fixtures.js'
import { failure, paymentsOf, requestStay } from './more-fixtures.js'

const stay = { checkIn: '2026-04-10', checkOut: '2026-04-12' }

/** A pending booking with a checkout started: the payer has not acted yet. */
const checkoutStarted = async (w: World, over: Parameters<typeof activeListing>[1] = {}) => {
  const { run, useCases } = w.engine
  const listing = await activeListing(w, over)
  const booking = await requestStay(w, listing.id, stay)
  const checkout = await run(useCases.startPayment.execute(w.guest, booking.id))
  return { listing, booking, checkout }
}

describe('payments', () => {
  it('a failed card leaves the booking pending; a new checkout after the failure confirms it', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const listing = await activeListing(w)
    const b = await bookAndPay(w, listing.id, stay, w.guest, 'fail')
    expect(b.state).toBe('pending_payment')
    expect(b.paidAmount).toBe(0)
    const [failed] = await paymentsOf(w, b)
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'card_declined' })
    // Nights are still held for the guest.
    const cal = await run(
      useCases.getCalendar.execute(w.host, listing.id, { from: stay.checkIn, to: stay.checkOut }),
    )
    expect(cal.map((n) => n.held)).toEqual([1, 1])

    const retry = await run(useCases.startPayment.execute(w.guest, b.id))
    expect(retry.payment.id).not.toBe(failed!.id)
    expect(retry.payment.providerRef).not.toBe(failed!.providerRef)
    adapters.gateway.confirmPayment(retry.payment.providerRef, 'succeed')
    await w.engine.deliverPaymentEvents()
    const confirmed = await bookingOf(w, b.id)
    expect(confirmed.state).toBe('confirmed')
    expect(confirmed.paidAmount).toBe(b.quote.guestTotal)
    const pays = await paymentsOf(w, b)
    expect(pays.map((p) => p.status).sort()).toEqual(['captured', 'voided'])
  })

  it('starting checkout twice returns the payment in progress instead of a second one', async () => {
    const w = await makeWorld()
    const { checkout, booking } = await checkoutStarted(w)
    const again = await w.engine.run(w.engine.useCases.startPayment.execute(w.guest, booking.id))
    expect(again.payment.id).toBe(checkout.payment.id)
    expect(await paymentsOf(w, booking)).toHaveLength(1)
  })

  it('a duplicate webhook delivery is a no-op', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const { booking, checkout } = await checkoutStarted(w)
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    const [delivery] = adapters.gateway.takeDeliveries()
    const first = await run(useCases.applyPaymentEvent.execute(delivery!))
    expect(first.kind).toBe('applied')
    const bookingAfter = await bookingOf(w, booking.id)
    const paymentAfter = (await paymentsOf(w, booking))[0]
    const outboxAfter = adapters.outbox.pendingEvents().length
    const second = await run(useCases.applyPaymentEvent.execute(delivery!))
    expect(second.kind).toBe('duplicate')
    expect(await bookingOf(w, booking.id)).toEqual(bookingAfter)
    expect((await paymentsOf(w, booking))[0]).toEqual(paymentAfter)
    expect(adapters.outbox.pendingEvents()).toHaveLength(outboxAfter)
    expect(bookingAfter.state).toBe('confirmed')
  })

  for (const mode of ['instant', 'request'] as const) {
    it(`out-of-order delivery converges (${mode}): failure then success, delivered in reverse, ends as in order`, async () => {
      const outcome = async (reverse: boolean) => {
        const w = await makeWorld()
        const { run, useCases, adapters } = w.engine
        const { booking, checkout } = await checkoutStarted(w, { bookingMode: mode })
        adapters.gateway.confirmPayment(checkout.payment.providerRef, 'fail')
        adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
        const deliveries = adapters.gateway.takeDeliveries()
        expect(deliveries).toHaveLength(2)
        for (const d of reverse ? [...deliveries].reverse() : deliveries)
          await run(useCases.applyPaymentEvent.execute(d))
        const b = await bookingOf(w, booking.id)
        const [p] = await paymentsOf(w, booking)
        return {
          state: b.state,
          paid: b.paidAmount,
          status: p?.status,
          captured: p?.capturedAmount,
          total: b.quote.guestTotal,
        }
      }
      const inOrder = await outcome(false)
      const reversed = await outcome(true)
      expect(reversed).toEqual(inOrder)
      expect(inOrder.state).toBe(mode === 'instant' ? 'confirmed' : 'awaiting_host')
      expect(inOrder.status).toBe(mode === 'instant' ? 'captured' : 'authorized')
    })
  }

  it('out-of-order delivery converges: capture, refund and cancellation events replayed newest first', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const { booking, checkout } = await checkoutStarted(w, { cancellationPolicy: 'flexible' })
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    const early = adapters.gateway.takeDeliveries()
    for (const d of early) await run(useCases.applyPaymentEvent.execute(d))
    await run(useCases.cancelBooking.execute(w.guest, booking.id))
    const settled = await bookingOf(w, booking.id)
    const paymentSettled = (await paymentsOf(w, booking))[0]
    // Every webhook the provider sent, replayed newest first: nothing moves.
    const all = [...early, ...adapters.gateway.takeDeliveries()].reverse()
    for (const d of all) await run(useCases.applyPaymentEvent.execute(d))
    const b = await bookingOf(w, booking.id)
    const p = (await paymentsOf(w, booking))[0]
    expect(b.state).toBe('cancelled')
    expect(b.refundedAmount).toBe(settled.refundedAmount)
    expect(b.paidAmount).toBe(0)
    expect(p?.status).toBe('refunded')
    expect(p?.refundedAmount).toBe(paymentSettled?.refundedAmount)
  })

  it('a tampered webhook is rejected with InvalidProviderEvent and changes nothing', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const { booking, checkout } = await checkoutStarted(w)
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    const [genuine] = adapters.gateway.takeDeliveries()
    const tampered = {
      ...genuine!,
      rawBody: genuine!.rawBody.replace('"amountReceived":', '"amountReceived":1'),
    }
    expect(tampered.rawBody).not.toBe(genuine!.rawBody)
    expect(await failure(run(useCases.applyPaymentEvent.execute(tampered)))).toMatchObject({
      _tag: 'InvalidProviderEvent',
      code: 'invalid_provider_event',
    })
    const forged = { rawBody: genuine!.rawBody, signature: 't=1,v1=deadbeef' }
    expect(await failure(run(useCases.applyPaymentEvent.execute(forged)))).toMatchObject({
      _tag: 'InvalidProviderEvent',
    })
    expect((await bookingOf(w, booking.id)).state).toBe('pending_payment')
    expect((await paymentsOf(w, booking))[0]?.status).toBe('requires_payment')
    // The genuine one still applies.
    await run(useCases.applyPaymentEvent.execute(genuine!))
    expect((await bookingOf(w, booking.id)).state).toBe('confirmed')
  })

  it('a payment that arrives after the booking expired is refunded in full', async () => {
    const w = await makeWorld()
    const { adapters, run, useCases } = w.engine
    const { booking, checkout, listing } = await checkoutStarted(w)
    // The payer pays in the last second; the provider's webhook is still on its way when the timer fires.
    adapters.clock.advance(15 * MINUTE - 1000)
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    adapters.clock.advance(1000)
    await run(useCases.runDueTransitions.execute({ limit: 100 }))
    expect((await bookingOf(w, booking.id)).state).toBe('expired')
    await w.engine.deliverPaymentEvents()
    const b = await bookingOf(w, booking.id)
    expect(b.state).toBe('expired')
    expect(b.paidAmount).toBe(0)
    expect(b.refundedAmount).toBe(booking.quote.guestTotal)
    const [p] = await paymentsOf(w, booking)
    expect(p).toMatchObject({ status: 'refunded', capturedAmount: booking.quote.guestTotal })
    expect(p?.refundedAmount).toBe(booking.quote.guestTotal)
    // The nights stay free.
    const cal = await w.engine.run(
      w.engine.useCases.getCalendar.execute(w.host, listing.id, { from: stay.checkIn, to: stay.checkOut }),
    )
    expect(cal.map((n) => n.available)).toEqual([1, 1])
  })
})
