import { Effect, Result } from 'effect'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import {
  CircuitBreaker,
  fromStripeAmount,
  StripeTransient,
  toStripeAmount,
} from '../../adapters/stripe/index.js'
import { retryTransient } from '../../adapters/stripe/resilience.js'

describe('Stripe amounts', () => {
  it('minor units go as they are for two-decimal and zero-decimal currencies (USD cents, JPY yen, KRW won)', () => {
    expect(toStripeAmount(12_345, 'USD')).toEqual(Result.succeed(12_345))
    expect(toStripeAmount(48_000, 'JPY')).toEqual(Result.succeed(48_000))
    expect(toStripeAmount(50_000, 'KRW')).toEqual(Result.succeed(50_000))
    expect(fromStripeAmount(48_000, 'jpy')).toBe(48_000)
  })

  it('ISK is two-decimal at Stripe: 5 krónur are 500, and back', () => {
    expect(toStripeAmount(5, 'ISK')).toEqual(Result.succeed(500))
    expect(fromStripeAmount(500, 'isk')).toBe(5)
  })

  it('an amount Stripe cannot represent exactly is refused, never rounded', () => {
    expect(Result.isFailure(toStripeAmount(150, 'MGA'))).toBe(true)
    expect(toStripeAmount(200, 'MGA')).toEqual(Result.succeed(2))
    expect(Result.isFailure(toStripeAmount(1_005, 'KWD'))).toBe(true)
    expect(toStripeAmount(1_010, 'KWD')).toEqual(Result.succeed(1_010))
    for (const bad of [0, -5, 1.5, Number.NaN])
      expect(Result.isFailure(toStripeAmount(bad, 'USD'))).toBe(true)
  })
})

const transient = Effect.fail(new StripeTransient({ reason: 'connection reset', status: null }))

describe('retries with backoff (effect Schedule)', () => {
  it('a transient failure is retried a bounded number of times, then surfaces', async () => {
    let attempts = 0
    const call = Effect.suspend(() => {
      attempts++
      return transient
    })
    const r = await Effect.runPromise(Effect.result(retryTransient(call, { retries: 3, baseDelayMs: 1 })))
    expect(Result.isFailure(r)).toBe(true)
    expect(attempts).toBe(4)
  })

  it('a success after transient failures is returned; a refusal is never retried', async () => {
    let attempts = 0
    const flaky = Effect.suspend(() => (++attempts < 3 ? transient : Effect.succeed('ok')))
    expect(await Effect.runPromise(retryTransient(flaky, { retries: 3, baseDelayMs: 1 }))).toBe('ok')
    let refused = 0
    const refusal = Effect.suspend(() => {
      refused++
      return Effect.fail('card_declined' as const)
    })
    await Effect.runPromise(Effect.result(retryTransient(refusal, { retries: 3, baseDelayMs: 1 })))
    expect(refused).toBe(1)
  })
})

describe('circuit breaker (on the Clock port)', () => {
  const make = () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1))
    return { clock, breaker: new CircuitBreaker(clock, { failureThreshold: 3, openMs: 30_000 }) }
  }
  const attempt = (b: CircuitBreaker, outcome: 'ok' | 'transient' | 'refused', calls: { n: number }) =>
    Effect.runPromise(
      Effect.result(
        b.guard(
          Effect.suspend((): Effect.Effect<number, 'no' | StripeTransient> => {
            calls.n++
            return outcome === 'ok'
              ? Effect.succeed(1)
              : outcome === 'refused'
                ? Effect.fail('no' as const)
                : transient
          }),
        ),
      ),
    )

  it('opens after the threshold of transient failures in a row, and then refuses without calling', async () => {
    const { breaker } = make()
    const calls = { n: 0 }
    for (let i = 0; i < 3; i++) await attempt(breaker, 'transient', calls)
    expect(breaker.state()).toBe('open')
    const r = await attempt(breaker, 'ok', calls)
    expect(calls.n).toBe(3)
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: 'CircuitOpen', retryAfterMs: 30_000 })
    expect(breaker.rejected).toBe(1)
  })

  it('an answer from Stripe, even a refusal, resets the count', async () => {
    const { breaker } = make()
    const calls = { n: 0 }
    await attempt(breaker, 'transient', calls)
    await attempt(breaker, 'transient', calls)
    await attempt(breaker, 'refused', calls)
    await attempt(breaker, 'transient', calls)
    expect(breaker.state()).toBe('closed')
  })

  it('after the open time one trial goes through: success closes it, failure opens it again at once', async () => {
    const { clock, breaker } = make()
    const calls = { n: 0 }
    for (let i = 0; i < 3; i++) await attempt(breaker, 'transient', calls)
    clock.advance(30_000)
    expect(breaker.state()).toBe('half_open')
    await attempt(breaker, 'transient', calls)
    expect(breaker.state()).toBe('open')
    clock.advance(30_000)
    await attempt(breaker, 'ok', calls)
    expect(breaker.state()).toBe('closed')
    expect(calls.n).toBe(5)
  })
})
