import { Effect, Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConcurrentModification, EmailAlreadyRegistered } from '../../core/domain/shared/errors.js'
import { asId } from '../../core/domain/shared/ids.js'
import type { OutboxSource } from '../../ports/events.js'
import type { UserRepository } from '../../ports/repositories.js'
import { at, collectPages, event, failure, makeUser, run } from './fixtures.js'

export interface UserRepositoryHarness {
  readonly repo: UserRepository
  readonly outbox: OutboxSource
  readonly cleanup?: () => Promise<void>
}

export const userRepositoryContract = (name: string, make: () => Promise<UserRepositoryHarness>) =>
  describe(`UserRepository contract: ${name}`, () => {
    let h: UserRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const pendingIds = async () => (await run(h.outbox.pending(10_000))).map((e) => e.event.id)

    it('round trip: a saved user is found by id and by normalized e-mail', async () => {
      const u = makeUser('usr_a', { email: 'alice@example.com' })
      await run(h.repo.save(u, []))
      expect(Option.getOrThrow(await run(h.repo.byId(u.id)))).toEqual(u)
      expect(Option.getOrThrow(await run(h.repo.byEmail('  Alice@Example.COM ')))).toEqual(u)
      expect(Option.isNone(await run(h.repo.byId(asId('user', 'usr_nobody'))))).toBe(true)
      expect(Option.isNone(await run(h.repo.byEmail('nobody@example.com')))).toBe(true)
    })

    it('optimistic concurrency: version n replaces n−1; a stale or skipped version fails and changes nothing', async () => {
      const u = makeUser('usr_a')
      await run(h.repo.save(u, []))
      expect(await failure(h.repo.save(u, []))).toBeInstanceOf(ConcurrentModification)
      const v2 = { ...u, name: 'v2', version: 2 }
      await run(h.repo.save(v2, []))
      expect(await failure(h.repo.save({ ...u, name: 'stale', version: 2 }, []))).toBeInstanceOf(
        ConcurrentModification,
      )
      expect(await failure(h.repo.save({ ...u, name: 'skip', version: 4 }, []))).toBeInstanceOf(
        ConcurrentModification,
      )
      expect(await failure(h.repo.save(makeUser('usr_new', { version: 2 }), []))).toBeInstanceOf(
        ConcurrentModification,
      )
      expect(Option.getOrThrow(await run(h.repo.byId(u.id))).name).toBe('v2')
    })

    it('e-mail is unique across users: a second user with the same normalized e-mail is refused', async () => {
      await run(h.repo.save(makeUser('usr_a', { email: 'same@example.com' }), []))
      const err = await failure(h.repo.save(makeUser('usr_b', { email: 'same@example.com' }), []))
      expect(err).toBeInstanceOf(EmailAlreadyRegistered)
      expect(Option.isNone(await run(h.repo.byId(asId('user', 'usr_b'))))).toBe(true)
    })

    it('changing e-mail frees the old address and claims the new one', async () => {
      const u = makeUser('usr_a', { email: 'old@example.com' })
      await run(h.repo.save(u, []))
      await run(h.repo.save({ ...u, email: 'new@example.com', version: 2 }, []))
      expect(Option.isNone(await run(h.repo.byEmail('old@example.com')))).toBe(true)
      expect(Option.isSome(await run(h.repo.byEmail('new@example.com')))).toBe(true)
      await run(h.repo.save(makeUser('usr_b', { email: 'old@example.com' }), []))
    })

    it('events are in the outbox with the save, and not when the save fails', async () => {
      const u = makeUser('usr_a')
      const e1 = event(u.id, 'innkeeper.user.registered.v1')
      await run(h.repo.save(u, [e1]))
      expect(await pendingIds()).toContain(e1.id)
      const e2 = event(u.id, 'innkeeper.user.suspended.v1')
      await failure(h.repo.save(u, [e2]))
      const e3 = event('usr_b', 'innkeeper.user.registered.v1')
      await failure(h.repo.save(makeUser('usr_b', { email: u.email }), [e3]))
      const ids = await pendingIds()
      expect(ids).not.toContain(e2.id)
      expect(ids).not.toContain(e3.id)
    })

    it('of concurrent saves of the same version exactly one wins, and only its events are pending', async () => {
      const u = makeUser('usr_a')
      await run(h.repo.save(u, []))
      const events = Array.from({ length: 8 }, () => event(u.id, 'innkeeper.user.suspended.v1'))
      const results = await run(
        Effect.all(
          events.map((e, i) => Effect.result(h.repo.save({ ...u, name: `n${i}`, version: 2 }, [e]))),
          { concurrency: 'unbounded' },
        ),
      )
      const winners = results.flatMap((r, i) => (r._tag === 'Success' ? [i] : []))
      expect(winners).toHaveLength(1)
      const ids = await pendingIds()
      expect(events.filter((e) => ids.includes(e.id)).map((e) => e.id)).toEqual([events[winners[0]!]!.id])
      expect(Option.getOrThrow(await run(h.repo.byId(u.id))).name).toBe(`n${winners[0]}`)
    })

    it('stored users cannot be changed through the objects passed in or read out', async () => {
      const u = { ...makeUser('usr_a'), roles: ['guest' as const] }
      await run(h.repo.save(u, []))
      ;(u.roles as string[]).push('admin')
      const read = Option.getOrThrow(await run(h.repo.byId(u.id)))
      expect(read.roles).toEqual(['guest'])
      try {
        ;(read.roles as string[]).push('admin')
      } catch {
        // frozen copies may throw; either way the store is unaffected
      }
      expect(Option.getOrThrow(await run(h.repo.byId(u.id))).roles).toEqual(['guest'])
    })

    it('list pages newest first, ties by id, covering every user exactly once', async () => {
      const users = Array.from({ length: 23 }, (_, i) =>
        makeUser(`usr_${String(i).padStart(2, '0')}`, { createdAt: at(i % 5) }),
      )
      for (const u of users) await run(h.repo.save(u, []))
      const all = await collectPages((cursor) => run(h.repo.list({ limit: 4, cursor })))
      expect(all).toHaveLength(users.length)
      expect(new Set(all.map((u) => u.id)).size).toBe(users.length)
      for (let i = 1; i < all.length; i++)
        expect(all[i - 1]!.createdAt).toBeGreaterThanOrEqual(all[i]!.createdAt)
      const one = await collectPages((cursor) => run(h.repo.list({ limit: 1, cursor })))
      expect(one.map((u) => u.id)).toEqual(all.map((u) => u.id))
    })

    it('an invalid cursor is treated as the start, never an error', async () => {
      await run(h.repo.save(makeUser('usr_a'), []))
      const page = await run(h.repo.list({ limit: 10, cursor: 'not a cursor!' }))
      expect(page.items.map((u) => u.id)).toEqual(['usr_a'])
      expect(page.nextCursor).toBeNull()
    })
  })
