import { Effect } from 'effect'
import type Koa from 'koa'
import { describe, expect, it } from 'vitest'
import { IDEMPOTENCY_CLAIM_TTL_MS, idempotency } from '../../adapters/http/idempotency.js'
import type { IdempotencyStore } from '../../ports/idempotency-store.js'

/**
 * Issue 16, item 2 (what of it the HTTP step can do): a key's in-progress claim lives as long as a
 * request can run, not the 24 h a completed answer is kept; and when the store cannot take the
 * result after the work was done, the client still gets the real answer (a checkout that had in
 * fact confirmed used to answer 500) while the claim lapses by itself.
 */
const DAY = 86_400_000
const unreachable = Object.assign(new Error('Redis complete failed: Connection is closed.'), {
  unavailable: true,
})

const recordingStore = (complete: 'ok' | 'unreachable') => {
  const calls: string[] = []
  const store: IdempotencyStore = {
    begin: (_key, _fp, ttlMs) =>
      Effect.sync(() => {
        calls.push(`begin ${ttlMs}`)
        return { kind: 'started' as const }
      }),
    complete: (_key, r, ttlMs) =>
      complete === 'ok'
        ? Effect.sync(() => void calls.push(`complete ${r.status} ${ttlMs}`))
        : Effect.die(unreachable),
    abandon: () => Effect.sync(() => void calls.push('abandon')),
  }
  return { store, calls }
}

const fakeContext = (): Koa.Context =>
  ({
    method: 'POST',
    path: '/api/v1/bookings',
    state: { userId: 'usr_1' },
    request: { body: { listing_id: 'lst_1' } },
    get: (name: string) => (name.toLowerCase() === 'idempotency-key' ? 'key-1' : ''),
    set: () => {},
  }) as unknown as Koa.Context

const booked = async (ctx: Koa.Context) => {
  ctx.state.response = { status: 201, body: '{"id":"bkg_1"}', headers: {} }
}

describe('the idempotency step', () => {
  it('claims a key for two minutes and keeps the completed answer for the day', async () => {
    const { store, calls } = recordingStore('ok')
    const ctx = fakeContext()
    await idempotency(store, DAY, 'requestBooking')(ctx, () => booked(ctx))
    expect(calls).toEqual([`begin ${IDEMPOTENCY_CLAIM_TTL_MS}`, `complete 201 ${DAY}`])
    expect(IDEMPOTENCY_CLAIM_TTL_MS).toBeLessThanOrEqual(120_000)
  })

  it('answers the real result when the store cannot take it after the work was done', async () => {
    const { store } = recordingStore('unreachable')
    const ctx = fakeContext()
    await idempotency(store, DAY, 'requestBooking')(ctx, () => booked(ctx))
    expect(ctx.state.response).toMatchObject({ status: 201, body: '{"id":"bkg_1"}' })
    expect(ctx.state.idempotencyWarning).toMatchObject({ what: 'complete' })
  })
})

describe('the idempotency step when the store stalls at the claim', () => {
  it('gives up its own claim after a begin that failed (a stalled store may run it late), then fails the request', async () => {
    const calls: string[] = []
    const owners: (string | undefined)[] = []
    const store: IdempotencyStore = {
      begin: (_key, _fp, _ttl, owner) =>
        Effect.suspend(() => {
          owners.push(owner)
          calls.push('begin')
          return Effect.die(unreachable)
        }),
      complete: () => Effect.sync(() => void calls.push('complete')),
      abandon: (_key, owner) =>
        Effect.sync(() => {
          owners.push(owner)
          calls.push('abandon')
        }),
    }
    const ctx = fakeContext()
    let ran = false
    await expect(
      idempotency(
        store,
        DAY,
        'requestBooking',
      )(ctx, async () => {
        ran = true
      }),
    ).rejects.toBeDefined()
    expect(ran).toBe(false)
    expect(calls).toEqual(['begin', 'abandon'])
    // One owner, fresh for the request: the abandon can only free the claim this begin made.
    expect(owners[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(owners[1]).toBe(owners[0])
  })
})
