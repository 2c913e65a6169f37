import { Effect } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js'
import { type ClockControl, run } from './fixtures.js'

export interface IdempotencyStoreHarness {
  readonly store: IdempotencyStore
  readonly clock: ClockControl
  readonly cleanup?: () => Promise<void>
}

const response: StoredResponse = {
  status: 201,
  body: '{"id":"bkg_1"}',
  headers: { location: '/api/v1/bookings/bkg_1' },
}
const TTL = 60_000

export const idempotencyStoreContract = (name: string, make: () => Promise<IdempotencyStoreHarness>) =>
  describe(`IdempotencyStore contract: ${name}`, () => {
    let h: IdempotencyStoreHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('the first begin for a key is started; a second while running is in_progress', async () => {
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'started' })
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'in_progress' })
    })

    it('after complete, begin with the same body returns the stored response', async () => {
      await run(h.store.begin('k', 'fp', TTL))
      await run(h.store.complete('k', response, TTL))
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'completed', response })
    })

    it('the key with another request body is a mismatch, running or completed', async () => {
      await run(h.store.begin('k', 'fp', TTL))
      expect(await run(h.store.begin('k', 'other', TTL))).toEqual({ kind: 'mismatch' })
      await run(h.store.complete('k', response, TTL))
      expect(await run(h.store.begin('k', 'other', TTL))).toEqual({ kind: 'mismatch' })
    })

    it('abandon gives the key up so the next begin starts again', async () => {
      await run(h.store.begin('k', 'fp', TTL))
      await run(h.store.abandon('k'))
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'started' })
    })

    it('a completed response is kept for ttlMs, then the key is free again', async () => {
      await run(h.store.begin('k', 'fp', TTL))
      await run(h.store.complete('k', response, 10_000))
      h.clock.advance(9_999)
      expect((await run(h.store.begin('k', 'fp', TTL))).kind).toBe('completed')
      h.clock.advance(1)
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'started' })
    })

    it('of concurrent begins for one key exactly one is started', async () => {
      const results = await run(
        Effect.all(
          Array.from({ length: 16 }, () => h.store.begin('race', 'fp', TTL)),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r.kind === 'started')).toHaveLength(1)
      expect(results.filter((r) => r.kind === 'in_progress')).toHaveLength(15)
    })

    it('keys are independent', async () => {
      await run(h.store.begin('a', 'fp', TTL))
      expect(await run(h.store.begin('b', 'fp', TTL))).toEqual({ kind: 'started' })
    })

    it('a claim lasts ttlMs: after it, a key whose claimant never finished can be started again', async () => {
      await run(h.store.begin('k', 'fp', 5_000))
      h.clock.advance(4_999)
      expect(await run(h.store.begin('k', 'fp', 5_000))).toEqual({ kind: 'in_progress' })
      h.clock.advance(1)
      expect(await run(h.store.begin('k', 'fp', 5_000))).toEqual({ kind: 'started' })
    })

    it('abandon gives up a claim only: a completed response stays', async () => {
      await run(h.store.begin('k', 'fp', TTL))
      await run(h.store.complete('k', response, TTL))
      await run(h.store.abandon('k'))
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'completed', response })
    })

    it("abandon with an owner gives up only that owner's claim; begin's owner is the claim's", async () => {
      await run(h.store.begin('k', 'fp', TTL, 'req-1'))
      await run(h.store.abandon('k', 'req-2'))
      expect(await run(h.store.begin('k', 'fp', TTL, 'req-2'))).toEqual({ kind: 'in_progress' })
      // The owner that lost the race (req-2) abandoning changes nothing either.
      await run(h.store.abandon('k', 'req-2'))
      expect(await run(h.store.begin('k', 'fp', TTL, 'req-3'))).toEqual({ kind: 'in_progress' })
      await run(h.store.abandon('k', 'req-1'))
      expect(await run(h.store.begin('k', 'fp', TTL, 'req-3'))).toEqual({ kind: 'started' })
      // A completed response stays whoever abandons.
      await run(h.store.complete('k', response, TTL))
      await run(h.store.abandon('k', 'req-3'))
      expect(await run(h.store.begin('k', 'fp', TTL, 'req-4'))).toEqual({ kind: 'completed', response })
    })

    it('the stored response comes back exactly: status, body and every header', async () => {
      const rich: StoredResponse = {
        status: 422,
        body: '{"title":"Réservation refusée — «nuits» indisponibles 🛏"}',
        headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req_1', empty: '' },
      }
      await run(h.store.begin('k', 'fp', TTL))
      await run(h.store.complete('k', rich, TTL))
      expect(await run(h.store.begin('k', 'fp', TTL))).toEqual({ kind: 'completed', response: rich })
    })

    it('of concurrent begins with two bodies exactly one starts; the rest wait or mismatch, never start', async () => {
      const results = await run(
        Effect.all(
          Array.from({ length: 16 }, (_, i) => h.store.begin('race', i % 2 === 0 ? 'fp-a' : 'fp-b', TTL)),
          { concurrency: 'unbounded' },
        ),
      )
      const started = results.flatMap((r, i) => (r.kind === 'started' ? [i % 2] : []))
      expect(started).toHaveLength(1)
      for (const [i, r] of results.entries()) {
        if (r.kind === 'started') continue
        expect(r.kind).toBe(i % 2 === started[0] ? 'in_progress' : 'mismatch')
      }
    })

    it('a duplicate of a claimed key never starts again, however often it is retried, until complete', async () => {
      expect((await run(h.store.begin('k', 'fp', TTL))).kind).toBe('started')
      for (let i = 0; i < 5; i++) expect((await run(h.store.begin('k', 'fp', TTL))).kind).toBe('in_progress')
      await run(h.store.complete('k', response, TTL))
      for (let i = 0; i < 3; i++) expect((await run(h.store.begin('k', 'fp', TTL))).kind).toBe('completed')
    })
  })
