import { Effect } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { payerConfirms, type StripeRig, startStripeRig } from '../support/stripe-test-server/harness.js'
import { failure, run, T0 } from './fixtures.js'

/**
 * What the Stripe adapter does beyond the port contract, against the stateful Stripe test server:
 * refund events read the intent's totals afresh, unreachable Stripe is PaymentProviderUnavailable
 * with a Retry-After, and the breaker opens and closes on the Clock port.
 */
let rig: StripeRig
beforeEach(async () => {
  rig = await startStripeRig({
    start: T0,
    server: { enabledEvents: '*' },
    gateway: { breaker: { failureThreshold: 2, openMs: 10_000 } },
  })
})
afterEach(() => rig.close())

const paidIntent = async (amount = 10_000) => {
  const intent = await run(
    rig.gateway.createIntent({
      amount,
      currency: 'EUR' as Currency,
      captureMethod: 'automatic',
      idempotencyKey: `k-${amount}-${Math.random()}`,
      metadata: { bookingId: 'bkg_x', paymentId: 'pay_bkg_x_1' },
    }),
  )
  await payerConfirms(rig.payer, intent.providerRef, 'pm_card_visa')
  return intent.providerRef
}

const verifyAll = async () => {
  const out = []
  for (const d of rig.server.takeDeliveries())
    out.push(await run(rig.gateway.verifyEvent(d.rawBody, d.signature)))
  return out
}

describe('StripePaymentGateway beyond the port contract', () => {
  it('refund.created / refund.updated carry the intent’s cumulative totals, read from Stripe', async () => {
    const ref = await paidIntent()
    await run(rig.gateway.refund(ref, 2_500, 'r1'))
    await run(rig.gateway.refund(ref, 1_000, 'r2'))
    const refund = [...rig.server.refunds.values()][0]!
    rig.server.sendEvent('refund.updated', { ...refund, status: 'succeeded' })
    const events = await verifyAll()
    const refundEvents = events.filter((e) => e.kind === 'payment' && e.type === 'refund.updated')
    // refund.created twice and refund.updated once, each with the totals as they are now.
    expect(refundEvents).toHaveLength(3)
    for (const e of refundEvents)
      expect(e).toMatchObject({ providerRef: ref, amountReceived: 10_000, amountRefunded: 3_500 })
    expect(events.filter((e) => e.kind === 'ignored').map((e) => e.type)).toEqual(
      expect.arrayContaining(['customer.created', 'payment_intent.created', 'charge.succeeded']),
    )
  })

  it('a refund event for an intent this account cannot read is ignored, not a failure', async () => {
    rig.server.takeDeliveries()
    rig.server.sendEvent('refund.updated', {
      id: 're_foreign',
      object: 'refund',
      payment_intent: 'pi_not_here',
      status: 'succeeded',
    })
    expect(await verifyAll()).toEqual([expect.objectContaining({ kind: 'ignored', type: 'refund.updated' })])
  })

  it('unreachable: PaymentProviderUnavailable with Retry-After; the breaker opens, refuses at once, and closes after a good trial', async () => {
    const ref = await paidIntent()
    rig.server.outage = true
    const first = await failure(rig.gateway.retrieve(ref))
    expect(first).toBeInstanceOf(PaymentProviderUnavailable)
    expect(first.retryAfterMs).toBeGreaterThanOrEqual(1_000)
    await failure(rig.gateway.retrieve(ref))
    expect(rig.gateway.breaker.state()).toBe('open')
    const sent = rig.server.log.length
    const refused = await failure(rig.gateway.capture(ref, 'c1'))
    expect(refused).toMatchObject({ _tag: 'PaymentProviderUnavailable', retryAfterMs: 10_000 })
    expect(rig.server.log.length).toBe(sent)

    rig.server.outage = false
    rig.clock.advance(10_000)
    expect((await run(rig.gateway.retrieve(ref))).status).toBe('succeeded')
    expect(rig.gateway.breaker.state()).toBe('closed')
  })

  it('a refund event while Stripe is unreachable fails with PaymentProviderUnavailable (the webhook is answered 503 and redelivered)', async () => {
    const ref = await paidIntent()
    await run(rig.gateway.refund(ref, 100, 'r'))
    const deliveries = rig.server.takeDeliveries()
    rig.server.outage = true
    const results = await Promise.all(
      deliveries.map((d) =>
        Effect.runPromise(Effect.result(rig.gateway.verifyEvent(d.rawBody, d.signature))),
      ),
    )
    const failed = results.filter((r) => r._tag === 'Failure')
    expect(failed.length).toBeGreaterThan(0)
    for (const r of failed)
      expect(r._tag === 'Failure' && r.failure).toBeInstanceOf(PaymentProviderUnavailable)
  })
})
