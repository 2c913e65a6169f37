import { createHmac } from 'node:crypto'
import { Effect } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidProviderEvent, PaymentDeclined } from '../../core/domain/shared/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { MINUTE } from '../../core/domain/shared/time.js'
import type { CreateIntent, PaymentGateway, ProviderEvent } from '../../ports/payment-gateway.js'
import { type ClockControl, failure, run, USD } from './fixtures.js'

export interface PaymentGatewayHarness {
  readonly gateway: PaymentGateway
  readonly clock: ClockControl
  /** The webhook signing secret the gateway verifies with. */
  readonly secret: string
  /** The payer completes (or fails) the payment on the provider's side. */
  readonly confirmPayment: (
    providerRef: string,
    outcome: 'succeed' | 'fail',
    failureMessage?: string,
  ) => Promise<void>
  /** Drains the provider events (webhooks) sent since the last call, oldest first. */
  readonly takeDeliveries: () => Promise<
    ReadonlyArray<{ readonly rawBody: string; readonly signature: string }>
  >
  /**
   * Makes the next off-session charge decline: the card is refused, or the bank asks for an
   * authentication the absent payer cannot give (Stripe's `authentication_required`).
   */
  readonly declineNextOffSession: (reason?: 'card_declined' | 'authentication_required') => void
  /** Has the provider send a genuine event of a type the core does not use. */
  readonly emitUnusedEvent: () => Promise<void>
  readonly cleanup?: () => Promise<void>
}

let keySeq = 0
const key = (label: string) => `${label}-${++keySeq}`
const request = (overrides: Partial<CreateIntent> = {}): CreateIntent => ({
  amount: 10_000,
  currency: USD,
  captureMethod: 'automatic',
  idempotencyKey: key('create'),
  metadata: { bookingId: 'bkg_1' },
  ...overrides,
})

const signWith = (secret: string, rawBody: string, t: number) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`

export const paymentGatewayContract = (name: string, make: () => Promise<PaymentGatewayHarness>) =>
  describe(`PaymentGateway contract: ${name}`, () => {
    let h: PaymentGatewayHarness
    let gw: PaymentGateway
    beforeEach(async () => {
      h = await make()
      gw = h.gateway
      await h.takeDeliveries()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const events = async (): Promise<ProviderEvent[]> => {
      const out: ProviderEvent[] = []
      for (const d of await h.takeDeliveries()) {
        const e = await run(gw.verifyEvent(d.rawBody, d.signature))
        if (e.kind === 'payment') out.push(e)
      }
      return out
    }
    const paid = async () => {
      const first = await run(gw.createIntent(request()))
      await h.confirmPayment(first.providerRef, 'succeed')
      await h.takeDeliveries()
      return first.providerRef
    }

    it('a new intent requires a payment method and carries a client secret', async () => {
      const intent = await run(gw.createIntent(request()))
      expect(intent).toMatchObject({
        status: 'requires_payment_method',
        amount: 10_000,
        amountCapturable: 0,
        amountReceived: 0,
        amountRefunded: 0,
      })
      expect(intent.clientSecret.length).toBeGreaterThan(0)
      expect(await run(gw.retrieve(intent.providerRef))).toEqual(intent)
    })

    it('createIntent is idempotent by key: the same key returns the same intent', async () => {
      const req = request()
      const a = await run(gw.createIntent(req))
      const b = await run(gw.createIntent(req))
      expect(b.providerRef).toBe(a.providerRef)
      const c = await run(gw.createIntent({ ...req, idempotencyKey: key('other') }))
      expect(c.providerRef).not.toBe(a.providerRef)
    })

    it('automatic capture: a confirmed payment succeeds and reports payment_intent.succeeded', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'succeed')
      expect(await run(gw.retrieve(intent.providerRef))).toMatchObject({
        status: 'succeeded',
        amountReceived: 10_000,
      })
      const [e] = await events()
      expect(e).toMatchObject({
        type: 'payment_intent.succeeded',
        providerRef: intent.providerRef,
        amount: 10_000,
        metadata: { bookingId: 'bkg_1' },
        amountReceived: 10_000,
        amountRefunded: 0,
        failureMessage: null,
      })
    })

    it('a zero-decimal currency is charged in its own units (JPY 5,000 is 5,000 yen)', async () => {
      const intent = await run(gw.createIntent(request({ amount: 5_000, currency: 'JPY' as Currency })))
      expect(intent.amount).toBe(5_000)
      await h.confirmPayment(intent.providerRef, 'succeed')
      expect(await run(gw.retrieve(intent.providerRef))).toMatchObject({ amountReceived: 5_000 })
      const [e] = await events()
      expect(e).toMatchObject({ amount: 5_000, amountReceived: 5_000 })
    })

    it('manual capture: authorize → requires_capture, capture → succeeded (idempotent), each reported', async () => {
      const intent = await run(gw.createIntent(request({ captureMethod: 'manual' })))
      await h.confirmPayment(intent.providerRef, 'succeed')
      expect(await run(gw.retrieve(intent.providerRef))).toMatchObject({
        status: 'requires_capture',
        amountCapturable: 10_000,
        amountReceived: 0,
      })
      const k = key('capture')
      const captured = await run(gw.capture(intent.providerRef, k))
      expect(captured).toMatchObject({ status: 'succeeded', amountReceived: 10_000, amountCapturable: 0 })
      expect(await run(gw.capture(intent.providerRef, k))).toMatchObject({ status: 'succeeded' })
      const evs = await events()
      expect(evs.map((e) => e.type)).toEqual([
        'payment_intent.amount_capturable_updated',
        'payment_intent.succeeded',
      ])
      expect(evs[0]).toMatchObject({ amountCapturable: 10_000, amountReceived: 0 })
      expect(evs[1]).toMatchObject({ amountCapturable: 0, amountReceived: 10_000 })
    })

    it('capture before authorization is declined', async () => {
      const intent = await run(gw.createIntent(request({ captureMethod: 'manual' })))
      expect(await failure(gw.capture(intent.providerRef, key('capture')))).toBeInstanceOf(PaymentDeclined)
    })

    it('a failed confirmation leaves the intent requiring a payment method and reports the failure', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'fail', 'insufficient_funds')
      expect((await run(gw.retrieve(intent.providerRef))).status).toBe('requires_payment_method')
      const [e] = await events()
      expect(e).toMatchObject({ type: 'payment_intent.payment_failed', failureMessage: 'insufficient_funds' })
    })

    it('cancel voids an uncaptured intent and reports it; a succeeded intent is not canceled', async () => {
      const intent = await run(gw.createIntent(request({ captureMethod: 'manual' })))
      await h.confirmPayment(intent.providerRef, 'succeed')
      const canceled = await run(gw.cancel(intent.providerRef, key('cancel')))
      expect(canceled).toMatchObject({ status: 'canceled', amountCapturable: 0, amountReceived: 0 })
      expect((await events()).map((e) => e.type)).toEqual([
        'payment_intent.amount_capturable_updated',
        'payment_intent.canceled',
      ])
      const paid = await run(gw.createIntent(request()))
      await h.confirmPayment(paid.providerRef, 'succeed')
      expect((await run(gw.cancel(paid.providerRef, key('cancel')))).status).toBe('succeeded')
    })

    it('refunds may be partial and repeated, are reported cumulatively, and never exceed what was received', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'succeed')
      await h.takeDeliveries()
      const r1 = await run(gw.refund(intent.providerRef, 3_000, key('refund')))
      expect(r1.intent.amountRefunded).toBe(3_000)
      const r2 = await run(gw.refund(intent.providerRef, 5_000, key('refund')))
      expect(r2.refundRef).not.toBe(r1.refundRef)
      expect(r2.intent.amountRefunded).toBe(8_000)
      expect(await failure(gw.refund(intent.providerRef, 2_001, key('refund')))).toBeInstanceOf(
        PaymentDeclined,
      )
      const r3 = await run(gw.refund(intent.providerRef, 2_000, key('refund')))
      expect(r3.intent.amountRefunded).toBe(10_000)
      expect(await failure(gw.refund(intent.providerRef, 1, key('refund')))).toBeInstanceOf(PaymentDeclined)
      const evs = await events()
      expect(evs.map((e) => [e.type, e.amountRefunded])).toEqual([
        ['charge.refunded', 3_000],
        ['charge.refunded', 8_000],
        ['charge.refunded', 10_000],
      ])
    })

    it('a refund retried with the same key refunds once', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'succeed')
      const k = key('refund')
      const a = await run(gw.refund(intent.providerRef, 4_000, k))
      const b = await run(gw.refund(intent.providerRef, 4_000, k))
      expect(b.refundRef).toBe(a.refundRef)
      expect((await run(gw.retrieve(intent.providerRef))).amountRefunded).toBe(4_000)
    })

    it('refunding an unpaid intent is declined', async () => {
      const intent = await run(gw.createIntent(request()))
      expect(await failure(gw.refund(intent.providerRef, 1, key('refund')))).toBeInstanceOf(PaymentDeclined)
    })

    it('off-session charges on the saved method are final at once: succeeded, or declined with PaymentDeclined', async () => {
      const savedFrom = await paid()
      const ok = await run(gw.createIntent(request({ offSession: { savedFrom } })))
      expect(ok).toMatchObject({ status: 'succeeded', amountReceived: 10_000 })
      h.declineNextOffSession()
      const declined = await failure(gw.createIntent(request({ offSession: { savedFrom } })))
      expect(declined).toBeInstanceOf(PaymentDeclined)
      const again = await run(gw.createIntent(request({ offSession: { savedFrom } })))
      expect(again.status).toBe('succeeded')
    })

    it('an off-session charge the bank wants authenticated is declined and keeps nothing', async () => {
      const savedFrom = await paid()
      h.declineNextOffSession('authentication_required')
      const declined = await failure(gw.createIntent(request({ amount: 2_500, offSession: { savedFrom } })))
      expect(declined).toBeInstanceOf(PaymentDeclined)
      expect(declined.reason).toContain('authentication_required')
      // Whatever the provider reports about the attempt, no money is taken or held by it.
      for (const e of await events()) expect(e.amountReceived + e.amountCapturable).toBe(0)
    })

    it('an off-session charge without a saved method is declined', async () => {
      const unpaid = await run(gw.createIntent(request()))
      const declined = await failure(
        gw.createIntent(request({ offSession: { savedFrom: unpaid.providerRef } })),
      )
      expect(declined).toBeInstanceOf(PaymentDeclined)
    })

    it('concurrent creates with one key make one intent', async () => {
      const req = request()
      const intents = await run(
        Effect.all(
          [1, 2, 3, 4].map(() => gw.createIntent(req)),
          { concurrency: 'unbounded' },
        ),
      )
      expect(new Set(intents.map((i) => i.providerRef)).size).toBe(1)
    })

    it('verifyEvent accepts a genuine event and rejects a tampered body', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'succeed')
      const [d] = await h.takeDeliveries()
      const ok = await run(gw.verifyEvent(d!.rawBody, d!.signature))
      expect(ok).toMatchObject({ kind: 'payment', providerRef: intent.providerRef })
      const tampered = d!.rawBody.replace('10000', '99999')
      expect(tampered).not.toBe(d!.rawBody)
      const err = await failure(gw.verifyEvent(tampered, d!.signature))
      expect(err).toBeInstanceOf(InvalidProviderEvent)
      expect(err.reason.length).toBeGreaterThan(0)
    })

    it('verifyEvent rejects a signature made with another secret, or a malformed header', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'succeed')
      const [d] = await h.takeDeliveries()
      const t = Math.floor(h.clock.now() / 1000)
      const forged = signWith(`${h.secret}-wrong`, d!.rawBody, t)
      expect(await failure(gw.verifyEvent(d!.rawBody, forged))).toBeInstanceOf(InvalidProviderEvent)
      for (const header of ['', 'garbage', `t=${t}`, `v1=${'0'.repeat(64)}`, `t=${t},v1=zz`])
        expect(await failure(gw.verifyEvent(d!.rawBody, header))).toBeInstanceOf(InvalidProviderEvent)
    })

    it('verifyEvent rejects a stale timestamp outside the tolerance window', async () => {
      const intent = await run(gw.createIntent(request()))
      await h.confirmPayment(intent.providerRef, 'succeed')
      const [d] = await h.takeDeliveries()
      h.clock.advance(60 * MINUTE)
      const err = await failure(gw.verifyEvent(d!.rawBody, d!.signature))
      expect(err).toBeInstanceOf(InvalidProviderEvent)
      const fresh = signWith(h.secret, d!.rawBody, Math.floor(h.clock.now() / 1000))
      expect(await run(gw.verifyEvent(d!.rawBody, fresh))).toMatchObject({ providerRef: intent.providerRef })
    })

    it('verifyEvent rejects a correctly signed body that is not a valid event', async () => {
      const t = Math.floor(h.clock.now() / 1000)
      const bodies = ['not json', '{}', JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded' })]
      for (const body of bodies) {
        const err = await failure(gw.verifyEvent(body, signWith(h.secret, body, t)))
        expect(err).toBeInstanceOf(InvalidProviderEvent)
      }
    })

    it('a genuine event of a type the core does not use is verified and marked ignored', async () => {
      await h.emitUnusedEvent()
      const deliveries = await h.takeDeliveries()
      expect(deliveries.length).toBeGreaterThan(0)
      for (const d of deliveries) {
        const e = await run(gw.verifyEvent(d.rawBody, d.signature))
        expect(e.kind).toBe('ignored')
      }
    })

    it('event ids are unique and events arrive in the order of the changes', async () => {
      const intent = await run(gw.createIntent(request({ captureMethod: 'manual' })))
      await h.confirmPayment(intent.providerRef, 'succeed')
      await run(gw.capture(intent.providerRef, key('capture')))
      await run(gw.refund(intent.providerRef, 100, key('refund')))
      const evs = await events()
      expect(evs.map((e) => e.type)).toEqual([
        'payment_intent.amount_capturable_updated',
        'payment_intent.succeeded',
        'charge.refunded',
      ])
      expect(new Set(evs.map((e) => e.id)).size).toBe(3)
    })
  })
