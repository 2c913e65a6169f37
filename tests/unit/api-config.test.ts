import { Result } from 'effect'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/manual-clock.js'
import { StripePayoutGateway } from '../../adapters/stripe/stripe-payout-gateway.js'
import { apiEnvNames, loadApiConfig, unknownInnkeeperVariables } from '../../apps/api/config.js'
import { stripeProviders } from '../../apps/composition/payments.js'

describe('API configuration: INNKEEPER_* variables nobody reads are refused', () => {
  it('a typo is reported with the closest known name; known and foreign variables pass', () => {
    const out = unknownInnkeeperVariables(
      { INNKEEPER_JWT_SECRETT: 'x', INNKEEPER_MODE: 'production', PATH: '/bin', INNKEEPER_ZZZZZZZZZZ: '1' },
      apiEnvNames,
    )
    expect(out).toEqual([
      'INNKEEPER_JWT_SECRETT: not a variable innkeeper reads (did you mean INNKEEPER_JWT_SECRET?)',
      'INNKEEPER_ZZZZZZZZZZ: not a variable innkeeper reads',
    ])
  })
})

describe('API configuration: the payment provider', () => {
  const problems = (env: Record<string, string>) => {
    const r = loadApiConfig(env)
    return Result.isFailure(r) ? r.failure : []
  }
  const stripe = {
    INNKEEPER_PAYMENTS: 'stripe',
    INNKEEPER_STRIPE_SECRET_KEY: 'sk_test_51Habc',
    INNKEEPER_STRIPE_WEBHOOK_SECRET: 'whsec_abcdefgh12',
  }

  it('memory by default in development; stripe reads its keys and the optional API base', () => {
    const dev = loadApiConfig({})
    expect(Result.isSuccess(dev) && dev.success.payments).toEqual({ provider: 'memory' })
    const s = loadApiConfig({ ...stripe, INNKEEPER_STRIPE_API_BASE: 'http://127.0.0.1:12111' })
    expect(Result.isSuccess(s) && s.success.payments).toEqual({
      provider: 'stripe',
      secretKey: 'sk_test_51Habc',
      webhookSecret: 'whsec_abcdefgh12',
      apiBaseUrl: 'http://127.0.0.1:12111',
    })
  })

  it('stripe without its keys, or with values of the wrong form, names each variable', () => {
    const missing = problems({ INNKEEPER_PAYMENTS: 'stripe' })
    expect(missing.map((m) => m.split(':')[0])).toEqual([
      'INNKEEPER_STRIPE_SECRET_KEY',
      'INNKEEPER_STRIPE_WEBHOOK_SECRET',
    ])
    const wrong = problems({
      INNKEEPER_PAYMENTS: 'stripe',
      INNKEEPER_STRIPE_SECRET_KEY: 'pk_test_publishable',
      INNKEEPER_STRIPE_WEBHOOK_SECRET: 'secret',
      INNKEEPER_STRIPE_API_BASE: 'ftp://x/path',
    })
    for (const name of [
      'INNKEEPER_STRIPE_SECRET_KEY',
      'INNKEEPER_STRIPE_WEBHOOK_SECRET',
      'INNKEEPER_STRIPE_API_BASE',
    ])
      expect(
        wrong.some((m) => m.startsWith(`${name}:`)),
        name,
      ).toBe(true)
    expect(problems({ INNKEEPER_PAYMENTS: 'paypal' }).some((m) => m.startsWith('INNKEEPER_PAYMENTS:'))).toBe(
      true,
    )
  })

  it('Stripe variables without INNKEEPER_PAYMENTS=stripe are reported, not silently ignored', () => {
    expect(problems({ INNKEEPER_STRIPE_SECRET_KEY: 'sk_test_51Habc' })).toEqual([
      'INNKEEPER_STRIPE_SECRET_KEY: only read with INNKEEPER_PAYMENTS=stripe',
    ])
  })

  it('INNKEEPER_PAYMENTS=stripe makes Stripe the payout provider too (Connect transfers, same key and API base)', async () => {
    const loaded = loadApiConfig({ ...stripe, INNKEEPER_STRIPE_API_BASE: 'http://127.0.0.1:12111' })
    if (!Result.isSuccess(loaded) || loaded.success.payments.provider !== 'stripe')
      throw new Error('not stripe')
    const providers = await stripeProviders(loaded.success.payments)
    expect(providers.payoutGateway).toBeInstanceOf(StripePayoutGateway)
    expect(providers.payoutGateway.provider).toBe('stripe')
    expect(providers.paymentGateway(new ManualClock()).provider).toBe('stripe')
  })

  it('production refuses the memory provider, and a plain-http API base that would carry the secret key', () => {
    const prod = { INNKEEPER_MODE: 'production', INNKEEPER_JWT_SECRET: 's'.repeat(32) }
    expect(problems(prod).some((m) => m.startsWith('INNKEEPER_PAYMENTS:'))).toBe(true)
    expect(problems({ ...prod, ...stripe })).toEqual([])
    expect(problems({ ...prod, ...stripe, INNKEEPER_STRIPE_API_BASE: 'http://10.0.0.1:8080' })).toEqual([
      'INNKEEPER_STRIPE_API_BASE: production sends the secret key only over https',
    ])
  })
})
