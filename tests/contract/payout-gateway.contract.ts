import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { currency } from '../../core/domain/shared/money.js'
import { instant } from '../../core/domain/shared/time.js'
import type { PayoutGateway, TransferRequest } from '../../ports/payouts.js'
import { failure, run, USD } from './fixtures.js'

export interface PayoutGatewayHarness {
  readonly gateway: PayoutGateway
  /** The provider refuses transfers to this account from now on. */
  readonly closeAccount: (destination: string) => void
  /** The next `count` transfer calls find the provider unreachable (after the adapter's own retries). */
  readonly makeUnavailable: (count: number) => void
  /** What the provider itself holds: every transfer it made, in order. */
  readonly providerTransfers: () => Promise<
    readonly { readonly amount: number; readonly currency: string; readonly destination: string }[]
  >
  readonly cleanup?: () => Promise<void>
}

const JPY = currency('JPY')
let seq = 0
const request = (over: Partial<TransferRequest> = {}): TransferRequest => ({
  amount: 12_345,
  currency: USD,
  destination: 'acct_1ContractHost',
  // Opened now: within the first window of its idempotency key at any provider.
  openedAt: instant(Date.now()),
  idempotencyKey: `payout:usr_contract:USD:${++seq}`,
  metadata: { payoutId: `po_${seq}`, hostId: 'usr_contract' },
  ...over,
})

/**
 * What every PayoutGateway adapter must do: transfer minor units to the destination, once per
 * idempotency key whatever the retries, refuse for good what the provider refuses (typed
 * `PayoutRejected`, nothing moved), and report an unreachable provider as
 * `PaymentProviderUnavailable` (the one unavailable error of every provider, with a Retry-After) without moving money, so the same key can be tried again.
 */
export const payoutGatewayContract = (name: string, make: () => Promise<PayoutGatewayHarness>) =>
  describe(`PayoutGateway contract: ${name}`, () => {
    let h: PayoutGatewayHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('transfers the amount in minor units to the destination (zero-decimal currencies too)', async () => {
      const usd = await run(h.gateway.transfer(request({ amount: 12_345 })))
      const jpy = await run(
        h.gateway.transfer(request({ amount: 9_800, currency: JPY, destination: 'acct_2Tokyo' })),
      )
      expect(usd).toMatchObject({ amount: 12_345, currency: 'USD', destination: 'acct_1ContractHost' })
      expect(jpy).toMatchObject({ amount: 9_800, currency: 'JPY', destination: 'acct_2Tokyo' })
      expect(usd.transferRef).not.toBe(jpy.transferRef)
      expect(await h.providerTransfers()).toEqual([
        expect.objectContaining({ amount: 12_345, destination: 'acct_1ContractHost' }),
        expect.objectContaining({ amount: 9_800, destination: 'acct_2Tokyo' }),
      ])
    })

    it('the same idempotency key and parameters give the same transfer, made once', async () => {
      const r = request()
      const first = await run(h.gateway.transfer(r))
      const again = await run(h.gateway.transfer(r))
      expect(again).toEqual(first)
      expect(await h.providerTransfers()).toHaveLength(1)
    })

    it('the same key with other parameters is refused, and moves nothing', async () => {
      const r = request()
      await run(h.gateway.transfer(r))
      const e = await failure(h.gateway.transfer({ ...r, amount: r.amount + 1 }))
      expect(e._tag).toBe('PayoutRejected')
      expect(e.code).toBe('payout_rejected')
      expect(await h.providerTransfers()).toHaveLength(1)
    })

    it('a destination the provider does not know or closed is refused, and moves nothing', async () => {
      h.closeAccount('acct_1Closed')
      for (const destination of ['acct_1Closed', 'not-an-account']) {
        const e = await failure(h.gateway.transfer(request({ destination })))
        expect(e._tag).toBe('PayoutRejected')
      }
      expect(await h.providerTransfers()).toEqual([])
    })

    it('an unreachable provider is PaymentProviderUnavailable with a retry delay; the same key later transfers once', async () => {
      const r = request()
      h.makeUnavailable(1)
      const e = await failure(h.gateway.transfer(r))
      expect(e._tag).toBe('PaymentProviderUnavailable')
      expect(e.code).toBe('payment_provider_unavailable')
      expect(e._tag === 'PaymentProviderUnavailable' && e.retryAfterMs).toBeGreaterThan(0)
      expect(await h.providerTransfers()).toEqual([])
      const t = await run(h.gateway.transfer(r))
      expect(t.amount).toBe(r.amount)
      expect(await run(h.gateway.transfer(r))).toEqual(t)
      expect(await h.providerTransfers()).toHaveLength(1)
    })
  })
