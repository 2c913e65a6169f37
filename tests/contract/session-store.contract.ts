import { Effect } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RefreshTokenInvalid, RefreshTokenReused, SessionEnded } from '../../core/domain/shared/errors.js'
import { asId } from '../../core/domain/shared/ids.js'
import { addMs, DAY } from '../../core/domain/shared/time.js'
import type { SessionStore } from '../../ports/session-store.js'
import { type ClockControl, failure, run } from './fixtures.js'

export interface SessionStoreHarness {
  readonly store: SessionStore
  readonly clock: ClockControl
  readonly cleanup?: () => Promise<void>
}

const alice = asId('user', 'usr_alice')
const bob = asId('user', 'usr_bob')

export const sessionStoreContract = (name: string, make: () => Promise<SessionStoreHarness>) =>
  describe(`SessionStore contract: ${name}`, () => {
    let h: SessionStoreHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const inDays = (n: number) => addMs(h.clock.now(), n * DAY)
    const issue = (familyId: string, tokenHash: string, userId = alice) =>
      run(h.store.issue({ familyId, userId, tokenHash, expiresAt: inDays(30) }))
    const rotate = (presented: string, next: string) =>
      h.store.rotate(presented, { tokenHash: next, expiresAt: inDays(30) }, h.clock.now())

    it('rotate swaps a live token for the next one and names its user and family', async () => {
      await issue('fam_1', 'h1')
      expect(await run(rotate('h1', 'h2'))).toEqual({ userId: alice, familyId: 'fam_1' })
      expect(await run(rotate('h2', 'h3'))).toEqual({ userId: alice, familyId: 'fam_1' })
    })

    it('an unknown token is RefreshTokenInvalid', async () => {
      expect(await failure(rotate('nope', 'h2'))).toBeInstanceOf(RefreshTokenInvalid)
    })

    it('an expired token is RefreshTokenInvalid', async () => {
      await run(h.store.issue({ familyId: 'fam_1', userId: alice, tokenHash: 'h1', expiresAt: inDays(1) }))
      h.clock.advance(DAY)
      expect(await failure(rotate('h1', 'h2'))).toBeInstanceOf(RefreshTokenInvalid)
    })

    it('presenting a rotated token again is reuse: RefreshTokenReused and the whole family is revoked', async () => {
      await issue('fam_1', 'h1')
      await run(rotate('h1', 'h2'))
      const err = await failure(rotate('h1', 'h9'))
      expect(err).toBeInstanceOf(RefreshTokenReused)
      expect((err as RefreshTokenReused).familyId).toBe('fam_1')
      expect(await failure(rotate('h2', 'h3'))).toBeInstanceOf(RefreshTokenInvalid)
      expect(await failure(rotate('h9', 'h10'))).toBeInstanceOf(RefreshTokenInvalid)
    })

    it('revokeFamily invalidates that family only', async () => {
      await issue('fam_1', 'a1')
      await issue('fam_2', 'b1')
      await run(h.store.revokeFamily('fam_1'))
      expect(await failure(rotate('a1', 'a2'))).toBeInstanceOf(RefreshTokenInvalid)
      expect((await run(rotate('b1', 'b2'))).familyId).toBe('fam_2')
    })

    it("revokeUser invalidates every family of the user and nobody else's", async () => {
      await issue('fam_1', 'a1')
      await issue('fam_2', 'a2')
      await issue('fam_3', 'c1', bob)
      await run(h.store.revokeUser(alice))
      expect(await failure(rotate('a1', 'x1'))).toBeInstanceOf(RefreshTokenInvalid)
      expect(await failure(rotate('a2', 'x2'))).toBeInstanceOf(RefreshTokenInvalid)
      expect((await run(rotate('c1', 'c2'))).userId).toBe(bob)
    })

    it('of concurrent rotations of one token exactly one wins', async () => {
      await issue('fam_1', 'h1')
      const results = await run(
        Effect.all(
          Array.from({ length: 8 }, (_, i) => Effect.result(rotate('h1', `next_${i}`))),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r._tag === 'Success')).toHaveLength(1)
      for (const r of results) if (r._tag === 'Failure') expect(r.failure).toBeInstanceOf(RefreshTokenReused)
    })

    it("after concurrent rotations the losers' reuse revokes the family: even the winner's new token is invalid", async () => {
      await issue('fam_1', 'h1')
      const results = await run(
        Effect.all(
          Array.from({ length: 4 }, (_, i) => Effect.result(rotate('h1', `win_${i}`))),
          { concurrency: 'unbounded' },
        ),
      )
      const winner = results.findIndex((r) => r._tag === 'Success')
      expect(winner).toBeGreaterThanOrEqual(0)
      expect(await failure(rotate(`win_${winner}`, 'after'))).toBeInstanceOf(RefreshTokenInvalid)
    })

    it('a rotated token presented again after its family was revoked is still reuse', async () => {
      await issue('fam_1', 'h1')
      await run(rotate('h1', 'h2'))
      await run(h.store.revokeFamily('fam_1'))
      const err = await failure(rotate('h1', 'h3'))
      expect(err).toBeInstanceOf(RefreshTokenReused)
      expect((err as RefreshTokenReused).familyId).toBe('fam_1')
    })

    it('a family ended by its user: its rotated tokens are SessionEnded (not reuse), its live ones are gone', async () => {
      await issue('fam_1', 'h1')
      await issue('fam_2', 'k1')
      await run(rotate('h1', 'h2'))
      await run(h.store.endFamily('fam_1'))
      expect(await failure(rotate('h1', 'h3'))).toBeInstanceOf(SessionEnded)
      expect(await failure(rotate('h2', 'h3'))).toBeInstanceOf(RefreshTokenInvalid)
      expect(await failure(rotate('h1', 'h4'))).toBeInstanceOf(SessionEnded)
      // Another family is untouched.
      expect(await run(rotate('k1', 'k2'))).toEqual({ userId: alice, familyId: 'fam_2' })
    })

    it("the next token lives until its own expiresAt, not its predecessor's", async () => {
      await issue('fam_1', 'h1')
      await run(h.store.rotate('h1', { tokenHash: 'h2', expiresAt: inDays(1) }, h.clock.now()))
      h.clock.advance(DAY - 1)
      await run(h.store.rotate('h2', { tokenHash: 'h3', expiresAt: inDays(2) }, h.clock.now()))
      h.clock.advance(2 * DAY)
      expect(await failure(rotate('h3', 'h4'))).toBeInstanceOf(RefreshTokenInvalid)
    })

    it('an unknown or expired token revokes nothing', async () => {
      await issue('fam_1', 'h1')
      await run(h.store.issue({ familyId: 'fam_2', userId: alice, tokenHash: 'old', expiresAt: inDays(1) }))
      h.clock.advance(DAY)
      expect(await failure(rotate('nope', 'x'))).toBeInstanceOf(RefreshTokenInvalid)
      expect(await failure(rotate('old', 'y'))).toBeInstanceOf(RefreshTokenInvalid)
      expect((await run(rotate('h1', 'h2'))).familyId).toBe('fam_1')
    })

    it('a token issued into a revoked family is not live', async () => {
      await issue('fam_1', 'h1')
      await run(h.store.revokeFamily('fam_1'))
      await issue('fam_1', 'h9')
      expect(await failure(rotate('h9', 'h10'))).toBeInstanceOf(RefreshTokenInvalid)
    })
  })
