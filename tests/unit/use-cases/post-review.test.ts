import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import { PostReview } from '../../../core/application/post-review.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { REVIEW_WINDOW_MS } from '../../../core/domain/bookings/lifecycle.js'
import { ConcurrentModification } from '../../../core/domain/shared/errors.js'
import { asId } from '../../../core/domain/shared/ids.js'
import type { ReviewRepository } from '../../../ports/repositories.js'
import {
  as,
  CHECK_OUT_AT,
  eventTypes,
  failure,
  guest,
  host,
  listingRating,
  makeBooking,
  reviewWorld,
  run,
  type World,
} from './harness.js'

const byGuest = { bookingId: 'bkg_1', rating: 4, categories: { cleanliness: 5, value: 3 }, comment: 'Lovely' }
const byHost = { bookingId: 'bkg_1', rating: 5, comment: 'Great guest' }
const reviewsOf = (w: World) => run(w.reviews.byBooking(asId('booking', 'bkg_1')))

describe('PostReview', () => {
  it('the guest reviews the listing: subject is the host, blind until the other side reviews', async () => {
    const w = await reviewWorld()
    const r = await run(new PostReview(w).execute(guest, byGuest))
    expect(r).toMatchObject({
      bookingId: 'bkg_1',
      listingId: 'lst_1',
      authorId: 'usr_guest',
      subjectId: 'usr_host',
      direction: 'guest_to_listing',
      rating: 4,
      categories: { cleanliness: 5, value: 3 },
      comment: 'Lovely',
      response: null,
      hidden: false,
      revealedAt: null,
      windowClosesAt: CHECK_OUT_AT + REVIEW_WINDOW_MS,
      version: 1,
    })
    expect(eventTypes(w)).toEqual(['innkeeper.review.posted.v1'])
    // The posted event does not leak the blind rating.
    expect(w.outbox.pendingEvents()[0]?.data).not.toHaveProperty('rating')
    expect((await listingRating(w)).count).toBe(0)
  })

  it('the host reviews the guest: subject is the guest', async () => {
    const w = await reviewWorld()
    const r = await run(new PostReview(w).execute(host, byHost))
    expect(r).toMatchObject({ direction: 'host_to_guest', authorId: 'usr_host', subjectId: 'usr_guest' })
    expect(r.categories).toEqual({})
  })

  it('the second side reveals both in one write and the listing aggregate counts the guest review', async () => {
    const w = await reviewWorld()
    const uc = new PostReview(w)
    await run(uc.execute(guest, byGuest))
    w.clock.advance(60_000)
    const hostReview = await run(uc.execute(host, byHost))
    expect(hostReview.revealedAt).toBe(w.clock.now())
    const both = await reviewsOf(w)
    expect(both.map((r) => [r.direction, r.revealedAt, r.version])).toEqual([
      ['guest_to_listing', w.clock.now(), 2],
      ['host_to_guest', w.clock.now(), 1],
    ])
    expect(eventTypes(w)).toEqual([
      'innkeeper.review.posted.v1',
      'innkeeper.review.posted.v1',
      'innkeeper.review.revealed.v1',
      'innkeeper.review.revealed.v1',
    ])
    const rating = await listingRating(w)
    expect(rating.count).toBe(1)
    expect(rating.overallSum).toBe(4)
    expect(rating.categorySums.cleanliness).toBe(5)
    expect(rating.categoryCounts.cleanliness).toBe(1)
    expect(rating.categorySums.value).toBe(3)
    expect(rating.categoryCounts.accuracy).toBe(0)
  })

  it('a host → guest review never counts in the listing aggregate (host posts second)', async () => {
    const w = await reviewWorld()
    const uc = new PostReview(w)
    await run(uc.execute(host, byHost))
    await run(uc.execute(guest, { bookingId: 'bkg_1', rating: 2 }))
    const rating = await listingRating(w)
    expect(rating.count).toBe(1)
    expect(rating.overallSum).toBe(2)
  })

  it('someone who is neither guest nor host gets BookingNotFound, as for a missing booking', async () => {
    const w = await reviewWorld()
    const uc = new PostReview(w)
    expect((await failure(uc.execute(as('usr_eve'), byHost)))._tag).toBe('BookingNotFound')
    expect((await failure(uc.execute(guest, { ...byHost, bookingId: 'bkg_nope' })))._tag).toBe(
      'BookingNotFound',
    )
  })

  it('a stay that is not completed is ReviewNotAllowed', async () => {
    const w = await reviewWorld()
    await run(w.bookings.save(makeBooking('bkg_2', { state: 'in_progress' }), []))
    await run(w.bookings.save(makeBooking('bkg_3', { state: 'cancelled' }), []))
    for (const bookingId of ['bkg_2', 'bkg_3']) {
      const e = await failure(new PostReview(w).execute(guest, { bookingId, rating: 5 }))
      expect(e._tag).toBe('ReviewNotAllowed')
    }
  })

  it('reviews are allowed until 14 days after check-out, and ReviewNotAllowed from then on', async () => {
    const w = await reviewWorld()
    const uc = new PostReview(w)
    w.clock.set(CHECK_OUT_AT + REVIEW_WINDOW_MS)
    const e = await failure(uc.execute(guest, byGuest))
    expect(e._tag).toBe('ReviewNotAllowed')
    if (e._tag === 'ReviewNotAllowed') expect(e.reason).toMatch(/window/)
    w.clock.set(CHECK_OUT_AT + REVIEW_WINDOW_MS - 1)
    await run(uc.execute(guest, byGuest))
  })

  it('one review per booking per direction: a second is ReviewAlreadyPosted', async () => {
    const w = await reviewWorld()
    const uc = new PostReview(w)
    await run(uc.execute(guest, byGuest))
    expect((await failure(uc.execute(guest, byGuest)))._tag).toBe('ReviewAlreadyPosted')
    await run(uc.execute(host, byHost))
    expect((await failure(uc.execute(host, byHost)))._tag).toBe('ReviewAlreadyPosted')
  })

  it('ratings are whole stars 1–5, categories only from the guest, comments at most 2000 chars', async () => {
    const w = await reviewWorld()
    const uc = new PostReview(w)
    for (const bad of [
      { bookingId: 'bkg_1', rating: 0 },
      { bookingId: 'bkg_1', rating: 6 },
      { bookingId: 'bkg_1', rating: 4.5 },
      { bookingId: 'bkg_1', rating: 4, categories: { cleanliness: 6 } },
      { bookingId: 'bkg_1', rating: 4, categories: { wifi: 5 } },
      { bookingId: 'bkg_1', rating: 4, comment: 'x'.repeat(2001) },
      { bookingId: 'bkg_1', rating: 4, stars: 4 },
    ])
      expect((await failure(uc.execute(guest, bad)))._tag).toBe('ValidationFailed')
    const e = await failure(uc.execute(host, { ...byHost, categories: { cleanliness: 5 } }))
    expect(e._tag).toBe('ValidationFailed')
  })

  it('the system caller is Forbidden', async () => {
    const w = await reviewWorld()
    expect((await failure(new PostReview(w).execute(systemCaller, byGuest)))._tag).toBe('Forbidden')
  })

  it('when both sides post at once without seeing each other, the second to save still reveals both', async () => {
    const w = await reviewWorld()
    await run(new PostReview(w).execute(guest, byGuest))
    let staleReads = 1
    const stale: ReviewRepository = {
      ...w.reviews,
      byId: (id) => w.reviews.byId(id),
      byListing: (l, p) => w.reviews.byListing(l, p),
      bySubject: (u, p) => w.reviews.bySubject(u, p),
      revealDue: (n, l) => w.reviews.revealDue(n, l),
      saveAll: (r, e) => w.reviews.saveAll(r, e),
      byBooking: (b) => (staleReads-- > 0 ? Effect.succeed([]) : w.reviews.byBooking(b)),
    }
    const r = await run(new PostReview({ ...w, reviews: stale }).execute(host, byHost))
    expect(r.revealedAt).toBe(w.clock.now())
    expect((await reviewsOf(w)).every((x) => x.revealedAt === w.clock.now())).toBe(true)
    expect((await listingRating(w)).count).toBe(1)
    expect(eventTypes(w).filter((t) => t === 'innkeeper.review.revealed.v1')).toHaveLength(2)
  })

  it('a lost optimistic-concurrency race is retried, and ConcurrentModification surfaces when it keeps losing', async () => {
    const w = await reviewWorld()
    await run(new PostReview(w).execute(guest, byGuest))
    let failures = 1
    const flaky = (times: number): ReviewRepository => ({
      ...w.reviews,
      byId: (id) => w.reviews.byId(id),
      byListing: (l, p) => w.reviews.byListing(l, p),
      bySubject: (u, p) => w.reviews.bySubject(u, p),
      revealDue: (n, l) => w.reviews.revealDue(n, l),
      byBooking: (b) => w.reviews.byBooking(b),
      saveAll: (r, e) =>
        failures++ < times
          ? Effect.fail(new ConcurrentModification({ entity: 'review', id: 'x' }))
          : w.reviews.saveAll(r, e),
    })
    failures = 0
    const e = await failure(new PostReview({ ...w, reviews: flaky(100) }).execute(host, byHost))
    expect(e._tag).toBe('ConcurrentModification')
    failures = 0
    const ok = await run(new PostReview({ ...w, reviews: flaky(2) }).execute(host, byHost))
    expect(ok.revealedAt).not.toBeNull()
    expect((await listingRating(w)).count).toBe(1)
  })

  it('a guest review hidden before the reveal is revealed but does not count', async () => {
    const w = await reviewWorld()
    const g = await run(new PostReview(w).execute(guest, byGuest))
    await run(w.reviews.saveAll([{ ...g, hidden: true, version: 2 }], []))
    await run(new PostReview(w).execute(host, byHost))
    expect((await listingRating(w)).count).toBe(0)
  })
})
