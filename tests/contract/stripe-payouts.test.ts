import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { headersOfCoreError, problemOfCoreError } from '../../adapters/http/problem.js'
import { ManualClock } from '../../adapters/memory/manual-clock.js'
import { SystemClock } from '../../adapters/node/system-clock.js'
import {
  attemptKey,
  KEY_WINDOW_MS,
  StripePayoutGateway,
} from '../../adapters/stripe/stripe-payout-gateway.js'
import { PayoutProviderUnavailable } from '../../core/domain/payouts/errors.js'
import { PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import { currency } from '../../core/domain/shared/money.js'
import { HOUR, instant } from '../../core/domain/shared/time.js'
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
  const gateway = new StripePayoutGateway({
    clock: new SystemClock(),
    secretKey: SECRET,
    apiBase: server.url,
    maxNetworkRetries: 0,
  })
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
    new StripePayoutGateway({
      clock: new SystemClock(),
      secretKey: SECRET,
      apiBase: server.url,
      maxNetworkRetries,
      timeoutMs: 5_000,
    })
  const request = {
    amount: 25_050,
    currency: currency('EUR'),
    destination: 'acct_1Lisbon',
    idempotencyKey: 'payout:usr_1:EUR:7',
    openedAt: instant(Date.now()),
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

  it('429, 503 past the retries, and dropped connections are PaymentProviderUnavailable; nothing moved', async () => {
    server.fault({ kind: 'status', status: 429 })
    expect((await failure(gateway(0).transfer(request)))._tag).toBe('PaymentProviderUnavailable')
    server.fault({ kind: 'status', status: 503 }, 2)
    expect((await failure(gateway(1).transfer(request)))._tag).toBe('PaymentProviderUnavailable')
    // The SDK retries a closed connection once even with retries off: two drops in a row.
    server.fault({ kind: 'drop-before' }, 2)
    expect((await failure(gateway(0).transfer(request)))._tag).toBe('PaymentProviderUnavailable')
    expect(server.transfers()).toEqual([])
  })

  it('an unreachable server is PaymentProviderUnavailable', async () => {
    const url = server.url
    await server.close()
    const down = new StripePayoutGateway({
      clock: new SystemClock(),
      secretKey: SECRET,
      apiBase: url,
      maxNetworkRetries: 0,
      timeoutMs: 2_000,
    })
    expect((await failure(down.transfer(request)))._tag).toBe('PaymentProviderUnavailable')
    server = await startStripeTransfersServer()
  })
})

describe('StripePayoutGateway: a payout pending past Stripe’s 24 h key lifetime never pays twice', () => {
  let server: StripeTransfersServer
  let clock: ManualClock
  const T0 = instant(Date.UTC(2026, 5, 1))
  beforeEach(async () => {
    server = await startStripeTransfersServer()
    clock = new ManualClock(T0)
  })
  afterEach(async () => {
    await server.close()
  })
  const gateway = () =>
    new StripePayoutGateway({ clock, secretKey: SECRET, apiBase: server.url, maxNetworkRetries: 0 })
  const request = {
    amount: 18_000,
    currency: currency('EUR'),
    destination: 'acct_1Porto',
    idempotencyKey: 'payout:usr_2:EUR:3',
    openedAt: T0,
    metadata: { payoutId: 'po_2', hostId: 'usr_2' },
  }

  it('the attempt key is the payout key for 23 h, then one key per 23 h window (the same within a window)', () => {
    expect(attemptKey(request, T0)).toBe('payout:usr_2:EUR:3')
    expect(attemptKey(request, T0 + KEY_WINDOW_MS - 1)).toBe('payout:usr_2:EUR:3')
    expect(attemptKey(request, T0 + KEY_WINDOW_MS)).toBe('payout:usr_2:EUR:3~w1')
    expect(attemptKey(request, T0 + 2 * KEY_WINDOW_MS - 1)).toBe('payout:usr_2:EUR:3~w1')
    expect(attemptKey(request, T0 + 2 * KEY_WINDOW_MS)).toBe('payout:usr_2:EUR:3~w2')
  })

  it('made, its answer lost, Stripe forgot the key: the retry 25 h later finds the transfer by its group and makes none', async () => {
    // Made, but the answer lost; the SDK's one retry of a closed connection is dropped too.
    server.fault({ kind: 'drop-after' })
    server.fault({ kind: 'drop-before' })
    expect((await failure(gateway().transfer(request)))._tag).toBe('PaymentProviderUnavailable')
    expect(server.transfers()).toHaveLength(1)
    server.forgetKeys()
    clock.advance(25 * HOUR)
    const t = await run(gateway().transfer(request))
    expect(server.transfers()).toEqual([expect.objectContaining({ id: t.transferRef, amount: 18_000 })])
    const last = server.requests.at(-1)!
    expect(last).toMatchObject({ method: 'GET', path: '/v1/transfers' })
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2)
  })

  it('never made (an outage of more than a day): made once under the window’s key, replayed within it, found after it', async () => {
    server.fault({ kind: 'status', status: 503 })
    expect((await failure(gateway().transfer(request)))._tag).toBe('PaymentProviderUnavailable')
    clock.advance(25 * HOUR)
    const first = await run(gateway().transfer(request))
    const made = server.requests.filter((r) => r.method === 'POST').at(-1)!
    expect(made.headers['idempotency-key']).toBe('payout:usr_2:EUR:3~w1')
    expect(made.form.transfer_group).toBe('payout:usr_2:EUR:3')
    clock.advance(HOUR)
    expect(await run(gateway().transfer(request))).toEqual(first)
    server.forgetKeys()
    clock.advance(2 * KEY_WINDOW_MS)
    expect(await run(gateway().transfer(request))).toEqual(first)
    expect(server.transfers()).toHaveLength(1)
  })

  it('within the first window the key alone guards it: no look-up request', async () => {
    await run(gateway().transfer(request))
    clock.advance(KEY_WINDOW_MS - 1)
    await run(gateway().transfer(request))
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST'])
    expect(server.transfers()).toHaveLength(1)
  })
})

describe('one unavailable error for payment and payout providers', () => {
  it('a payout gateway’s outage is PaymentProviderUnavailable: 503, Retry-After and the stable code payment_provider_unavailable', async () => {
    const server = await startStripeTransfersServer()
    try {
      server.fault({ kind: 'status', status: 503 })
      const e = await failure(
        new StripePayoutGateway({
          clock: new SystemClock(),
          secretKey: SECRET,
          apiBase: server.url,
          maxNetworkRetries: 0,
          retryAfterMs: 7_500,
        }).transfer({
          amount: 100,
          currency: currency('EUR'),
          destination: 'acct_1Any',
          idempotencyKey: 'payout:usr_3:EUR:1',
          openedAt: instant(Date.now()),
          metadata: {},
        }),
      )
      expect(e).toBeInstanceOf(PaymentProviderUnavailable)
      expect(PayoutProviderUnavailable).toBe(PaymentProviderUnavailable)
      expect(problemOfCoreError(e)).toMatchObject({ status: 503, code: 'payment_provider_unavailable' })
      expect(headersOfCoreError(e)).toEqual({ 'Retry-After': '8' })
    } finally {
      await server.close()
    }
  })
})
