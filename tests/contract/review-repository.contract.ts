import { Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import { asId } from '../../core/domain/shared/ids.js'
import type { OutboxSource } from '../../ports/events.js'
import type { ReviewRepository } from '../../ports/repositories.js'
import { at, collectPages, event, failure, makeReview, run } from './fixtures.js'

export interface ReviewRepositoryHarness {
  readonly repo: ReviewRepository
  readonly outbox: OutboxSource
  readonly cleanup?: () => Promise<void>
}

const user = (id: string) => asId('user', id)

export const reviewRepositoryContract = (name: string, make: () => Promise<ReviewRepositoryHarness>) =>
  describe(`ReviewRepository contract: ${name}`, () => {
    let h: ReviewRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const guestSide = (id: string, bookingId = 'bkg_1') =>
      makeReview(id, { bookingId: asId('booking', bookingId) })
    const hostSide = (id: string, bookingId = 'bkg_1') =>
      makeReview(id, {
        bookingId: asId('booking', bookingId),
        direction: 'host_to_guest',
        authorId: user('usr_host1'),
        subjectId: user('usr_guest1'),
      })

    it('round trip: saved reviews are found by id and by booking', async () => {
      const g = guestSide('rev_g')
      const hs = hostSide('rev_h')
      await run(h.repo.saveAll([g, hs], []))
      expect(Option.getOrThrow(await run(h.repo.byId(g.id)))).toEqual(g)
      expect((await run(h.repo.byBooking(g.bookingId))).map((r) => r.id).sort()).toEqual(['rev_g', 'rev_h'])
      expect(Option.isNone(await run(h.repo.byId(asId('review', 'rev_none'))))).toBe(true)
    })

    it('saveAll is all-or-nothing: one stale review fails the batch and nothing is written', async () => {
      const g = guestSide('rev_g')
      await run(h.repo.saveAll([g], []))
      const revealed = { ...g, revealedAt: at(1), version: 2 }
      const hs = hostSide('rev_h')
      const stale = { ...g, comment: 'stale', version: 1 }
      const e = event(g.bookingId, 'innkeeper.review.revealed.v1')
      expect(await failure(h.repo.saveAll([hs, stale], [e]))).toBeInstanceOf(ConcurrentModification)
      expect(Option.isNone(await run(h.repo.byId(hs.id)))).toBe(true)
      expect((await run(h.outbox.pending(10_000))).map((x) => x.event.id)).not.toContain(e.id)
      await run(h.repo.saveAll([revealed, { ...hs, revealedAt: at(1) }], [e]))
      expect(Option.getOrThrow(await run(h.repo.byId(g.id))).revealedAt).toBe(at(1))
      expect((await run(h.outbox.pending(10_000))).map((x) => x.event.id)).toContain(e.id)
    })

    it('byListing pages guest → listing reviews only, newest first, each once', async () => {
      const rs = Array.from({ length: 7 }, (_, i) => ({
        ...guestSide(`rev_${i}`, `bkg_${i}`),
        createdAt: at(i),
      }))
      for (const r of rs) await run(h.repo.saveAll([r], []))
      await run(h.repo.saveAll([hostSide('rev_host', 'bkg_0')], []))
      const all = await collectPages((cursor) =>
        run(h.repo.byListing(asId('listing', 'lst_1'), { limit: 3, cursor })),
      )
      expect(all.map((r) => r.id)).toEqual(['rev_6', 'rev_5', 'rev_4', 'rev_3', 'rev_2', 'rev_1', 'rev_0'])
    })

    it('bySubject pages the reviews about a user, newest first', async () => {
      await run(h.repo.saveAll([guestSide('rev_about_host')], []))
      await run(h.repo.saveAll([{ ...hostSide('rev_about_guest'), createdAt: at(2) }], []))
      await run(h.repo.saveAll([{ ...hostSide('rev_about_guest2', 'bkg_2'), createdAt: at(3) }], []))
      const aboutGuest = await collectPages((cursor) =>
        run(h.repo.bySubject(user('usr_guest1'), { limit: 1, cursor })),
      )
      expect(aboutGuest.map((r) => r.id)).toEqual(['rev_about_guest2', 'rev_about_guest'])
      const aboutHost = await run(h.repo.bySubject(user('usr_host1'), { limit: 10, cursor: null }))
      expect(aboutHost.items.map((r) => r.id)).toEqual(['rev_about_host'])
    })

    it('revealDue returns unrevealed reviews whose window closed at or before now, earliest first', async () => {
      await run(h.repo.saveAll([{ ...guestSide('rev_a', 'bkg_a'), windowClosesAt: at(20) }], []))
      await run(h.repo.saveAll([{ ...guestSide('rev_b', 'bkg_b'), windowClosesAt: at(10) }], []))
      await run(h.repo.saveAll([{ ...guestSide('rev_c', 'bkg_c'), windowClosesAt: at(30) }], []))
      await run(
        h.repo.saveAll([{ ...guestSide('rev_d', 'bkg_d'), windowClosesAt: at(5), revealedAt: at(1) }], []),
      )
      expect((await run(h.repo.revealDue(at(20), 10))).map((r) => r.id)).toEqual(['rev_b', 'rev_a'])
      expect((await run(h.repo.revealDue(at(20), 1))).map((r) => r.id)).toEqual(['rev_b'])
      const b = Option.getOrThrow(await run(h.repo.byId(asId('review', 'rev_b'))))
      await run(h.repo.saveAll([{ ...b, revealedAt: at(20), version: 2 }], []))
      expect((await run(h.repo.revealDue(at(20), 10))).map((r) => r.id)).toEqual(['rev_a'])
    })
  })
