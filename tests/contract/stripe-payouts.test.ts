import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StripePayoutGateway } from '../../adapters/stripe/stripe-payout-gateway.js'
import { currency } from '../../core/domain/shared/money.js'
import { type StripeTransfersServer, startStripeTransfersServer } from '../support/stripe-transfers-server.js'
import { failure, run } from './fixtures.js'
import { payoutGatewayContract } from './payout-gateway.contract.js'

/**
 * The Stripe Connect payout adapter through the real `stripe` SDK, against a local Stripe-API
 * stand-in (tests/support/stripe-transfers-server.ts) that keeps transfers and idempotency keys the
 * way Stripe does and records every request. (stripe-mock is stateless, so it could not show a
 * replayed key giving one transfer; this server can.)
 */
const SECRET = 'sk_test_innkeeperPayouts'

payoutGatewayContract('stripe (local Stripe-API server)', async () => {
  const server = await startStripeTransfersServer()
  // No SDK retries here, so one injected 503 is one unavailable call.
  const gateway = new StripePayoutGateway({ secretKey: SECRET, apiBase: server.url, maxNetworkRetries: 0 })
  return {
    gateway,
    closeAccount: (d) => server.closeAccount(d),
    makeUnavailable: (n) => server.fault({ kind: 'status', status: 503 }, n),
    providerTransfers: async () => server.transfers(),
    cleanup: () => server.close(),
  }
})

describe('StripePayoutGateway on the wire', () => {
  let server: StripeTransfersServer
  beforeEach(async () => {
    server = await startStripeTransfersServer()
  })
  afterEach(async () => {
    await server.close()
  })
  const gateway = (maxNetworkRetries: number) =>
    new StripePayoutGateway({ secretKey: SECRET, apiBase: server.url, maxNetworkRetries, timeoutMs: 5_000 })
  const request = {
    amount: 25_050,
    currency: currency('EUR'),
    destination: 'acct_1Lisbon',
    idempotencyKey: 'payout:usr_1:EUR:7',
    metadata: { payoutId: 'po_1', hostId: 'usr_1' },
  }

  it('POSTs /v1/transfers with the amount in minor units, the currency in lower case, the key as Idempotency-Key and transfer_group', async () => {
    const t = await run(gateway(0).transfer(request))
    expect(t).toMatchObject({ amount: 25_050, currency: 'EUR', destination: 'acct_1Lisbon' })
    expect(t.transferRef).toMatch(/^tr_/)
    const [r] = server.requests
    expect(r).toMatchObject({ method: 'POST', path: '/v1/transfers' })
    expect(r!.form).toEqual({
      amount: '25050',
      currency: 'eur',
      destination: 'acct_1Lisbon',
      transfer_group: 'payout:usr_1:EUR:7',
      'metadata[payoutId]': 'po_1',
      'metadata[hostId]': 'usr_1',
    })
    expect(r!.headers['idempotency-key']).toBe('payout:usr_1:EUR:7')
    expect(r!.headers.authorization).toBe(`Bearer ${SECRET}`)
    expect(r!.headers['stripe-version']).toMatch(/^\d{4}-\d{2}-\d{2}/)
  })

  it('a response lost after the transfer was made: the SDK retries with the same key and gets the same transfer', async () => {
    server.fault({ kind: 'drop-after' })
    const t = await run(gateway(1).transfer(request))
    expect(server.transfers()).toEqual([expect.objectContaining({ id: t.transferRef, amount: 25_050 })])
    expect(server.requests).toHaveLength(2)
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set([request.idempotencyKey]),
    )
  })

  it('a 500 then success: retried with backoff, one transfer', async () => {
    server.fault({ kind: 'status', status: 500 })
    await run(gateway(2).transfer(request))
    expect(server.requests).toHaveLength(2)
    expect(server.transfers()).toHaveLength(1)
  })

  it('429, 503 past the retries, and dropped connections are PayoutProviderUnavailable; nothing moved', async () => {
    server.fault({ kind: 'status', status: 429 })
    expect((await failure(gateway(0).transfer(request)))._tag).toBe('PayoutProviderUnavailable')
    server.fault({ kind: 'status', status: 503 }, 2)
    expect((await failure(gateway(1).transfer(request)))._tag).toBe('PayoutProviderUnavailable')
    // The SDK retries a closed connection once even with retries off: two drops in a row.
    server.fault({ kind: 'drop-before' }, 2)
    expect((await failure(gateway(0).transfer(request)))._tag).toBe('PayoutProviderUnavailable')
    expect(server.transfers()).toEqual([])
  })

  it('an unreachable server is PayoutProviderUnavailable', async () => {
    const url = server.url
    await server.close()
    const down = new StripePayoutGateway({
      secretKey: SECRET,
      apiBase: url,
      maxNetworkRetries: 0,
      timeoutMs: 2_000,
    })
    expect((await failure(down.transfer(request)))._tag).toBe('PayoutProviderUnavailable')
    server = await startStripeTransfersServer()
  })
})
