import { describe, expect, it } from 'vitest'
import { PostReview } from '../../../core/application/post-review.js'
import { RevealDueReviews } from '../../../core/application/reveal-due-reviews.js'
import { REVIEW_WINDOW_MS } from '../../../core/domain/bookings/lifecycle.js'
import { asId } from '../../../core/domain/shared/ids.js'
import { untyped } from '../../support/untyped.js'
import {
  CHECK_OUT_AT,
  eventTypes,
  failure,
  guest,
  host,
  listingRating,
  makeBooking,
  reviewWorld,
  run,
} from './harness.js'

describe('RevealDueReviews', () => {
  it('reveals nothing before the window closes', async () => {
    const w = await reviewWorld()
    await run(new PostReview(w).execute(guest, { bookingId: 'bkg_1', rating: 4 }))
    expect(await run(new RevealDueReviews(w).execute({ limit: 10 }))).toBe(0)
  })

  it('reveals one-sided reviews once the window closed, counts them, and adds guest reviews to the aggregate', async () => {
    const w = await reviewWorld()
    await run(w.bookings.save(makeBooking('bkg_2'), []))
    const post = new PostReview(w)
    await run(post.execute(guest, { bookingId: 'bkg_1', rating: 4, categories: { location: 5 } }))
    await run(post.execute(host, { bookingId: 'bkg_2', rating: 3 }))
    w.clock.set(CHECK_OUT_AT + REVIEW_WINDOW_MS)
    const uc = new RevealDueReviews(w)
    expect(await run(uc.execute({ limit: 10 }))).toBe(2)
    const r1 = await run(w.reviews.byBooking(asId('booking', 'bkg_1')))
    expect(r1[0]?.revealedAt).toBe(w.clock.now())
    const rating = await listingRating(w)
    expect(rating).toMatchObject({ count: 1, overallSum: 4 })
    expect(rating.categorySums.location).toBe(5)
    expect(eventTypes(w).filter((t) => t === 'innkeeper.review.revealed.v1')).toHaveLength(2)
    // Already revealed: a second run finds nothing.
    expect(await run(uc.execute({ limit: 10 }))).toBe(0)
    expect((await listingRating(w)).count).toBe(1)
  })

  it('reveals at most `limit` reviews per run', async () => {
    const w = await reviewWorld()
    const post = new PostReview(w)
    for (const id of ['bkg_2', 'bkg_3', 'bkg_4']) {
      await run(w.bookings.save(makeBooking(id), []))
      await run(post.execute(guest, { bookingId: id, rating: 5 }))
    }
    w.clock.set(CHECK_OUT_AT + REVIEW_WINDOW_MS + 1)
    const uc = new RevealDueReviews(w)
    expect(await run(uc.execute({ limit: 2 }))).toBe(2)
    expect(await run(uc.execute({ limit: 2 }))).toBe(1)
    expect((await listingRating(w)).count).toBe(3)
  })

  it('a hidden review is revealed but does not count', async () => {
    const w = await reviewWorld()
    const g = await run(new PostReview(w).execute(guest, { bookingId: 'bkg_1', rating: 1 }))
    await run(w.reviews.saveAll([{ ...g, hidden: true, version: 2 }], []))
    w.clock.set(CHECK_OUT_AT + REVIEW_WINDOW_MS)
    expect(await run(new RevealDueReviews(w).execute({ limit: 10 }))).toBe(1)
    expect((await listingRating(w)).count).toBe(0)
  })

  it('a limit outside 1–1000 is ValidationFailed', async () => {
    const w = await reviewWorld()
    const uc = new RevealDueReviews(w)
    expect((await failure(uc.execute({ limit: 0 })))._tag).toBe('ValidationFailed')
    expect((await failure(uc.execute(untyped({}))))._tag).toBe('ValidationFailed')
  })
})
