import { describe, expect, it } from 'vitest'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { averageRating, categoryAverages } from '../../core/domain/listings/listing.js'
import { DAY } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, makeWorld, type World } from './engine-fixtures.js'
import { failure } from './more-fixtures.js'

/** A stay that has been completed, with the clock at its check-out. */
const completedStay = async (w: World): Promise<Booking> => {
  const l = await activeListing(w)
  const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
  w.engine.adapters.clock.set(b.points.checkInAt!)
  await w.engine.tick()
  w.engine.adapters.clock.set(b.points.checkOutAt!)
  await w.engine.tick()
  return w.engine.run(w.engine.useCases.getBooking.execute(w.guest, b.id))
}

const listingOf = (w: World, b: Booking) =>
  w.engine.run(w.engine.useCases.getListing.execute(w.guest, b.listingId))
const publicReviews = async (w: World, b: Booking) =>
  (await w.engine.run(w.engine.useCases.listListingReviews.execute({ listingId: b.listingId }))).items

describe('reviews', () => {
  it('both sides review → both are revealed at once and the listing rating aggregate is updated', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const b = await completedStay(w)
    expect(b.state).toBe('completed')
    const guestReview = await run(
      useCases.postReview.execute(w.guest, {
        bookingId: b.id,
        rating: 4,
        categories: { cleanliness: 5, location: 3 },
        comment: 'Nice',
      }),
    )
    expect(guestReview.revealedAt).toBeNull()
    expect(await publicReviews(w, b)).toHaveLength(0)
    expect((await listingOf(w, b)).rating.count).toBe(0)
    const hostReview = await run(useCases.postReview.execute(w.host, { bookingId: b.id, rating: 5 }))
    expect(hostReview.revealedAt).not.toBeNull()
    const visible = await publicReviews(w, b)
    expect(visible.map((r) => [r.id, r.direction])).toEqual([[guestReview.id, 'guest_to_listing']])
    const listing = await listingOf(w, b)
    expect(listing.rating.count).toBe(1)
    expect(averageRating(listing.rating)).toBe(4)
    expect(categoryAverages(listing.rating)).toEqual({ cleanliness: 5, location: 3 })
    // The host responds once.
    await run(useCases.respondToReview.execute(w.host, { reviewId: guestReview.id, comment: 'Thank you!' }))
    expect(
      await failure(
        run(useCases.respondToReview.execute(w.host, { reviewId: guestReview.id, comment: 'Again' })),
      ),
    ).toMatchObject({ _tag: 'ResponseAlreadyPosted' })
  })

  it('one side reviews → hidden until the 14-day window closes, then revealed by the timer and counted', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const b = await completedStay(w)
    await run(useCases.postReview.execute(w.guest, { bookingId: b.id, rating: 2 }))
    adapters.clock.set(b.points.checkOutAt! + 14 * DAY - 1000)
    expect((await w.engine.tick()).revealedReviews).toBe(0)
    expect(await publicReviews(w, b)).toHaveLength(0)
    expect((await listingOf(w, b)).rating.count).toBe(0)
    // The window closes 14 days after check-out: the timer reveals the one-sided review.
    adapters.clock.set(b.points.checkOutAt! + 14 * DAY)
    expect((await w.engine.tick()).revealedReviews).toBe(1)
    expect(await publicReviews(w, b)).toHaveLength(1)
    const listing = await listingOf(w, b)
    expect(listing.rating.count).toBe(1)
    expect(averageRating(listing.rating)).toBe(2)
    expect(
      await failure(run(useCases.postReview.execute(w.host, { bookingId: b.id, rating: 5 }))),
    ).toMatchObject({
      _tag: 'ReviewNotAllowed',
    })
    // Running the timer again reveals nothing twice and counts nothing twice.
    expect((await w.engine.tick()).revealedReviews).toBe(0)
    expect((await listingOf(w, b)).rating.count).toBe(1)
  })

  it('a stay that is not completed cannot be reviewed (ReviewNotAllowed)', async () => {
    const w = await makeWorld()
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    expect(
      await failure(
        w.engine.run(w.engine.useCases.postReview.execute(w.guest, { bookingId: b.id, rating: 5 })),
      ),
    ).toMatchObject({ _tag: 'ReviewNotAllowed', code: 'review_not_allowed' })
  })

  it('one review per booking and direction (ReviewAlreadyPosted); only guests rate categories', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const b = await completedStay(w)
    await run(useCases.postReview.execute(w.guest, { bookingId: b.id, rating: 5 }))
    expect(
      await failure(run(useCases.postReview.execute(w.guest, { bookingId: b.id, rating: 1 }))),
    ).toMatchObject({
      _tag: 'ReviewAlreadyPosted',
      code: 'review_already_posted',
    })
    expect(
      await failure(
        run(
          useCases.postReview.execute(w.host, { bookingId: b.id, rating: 5, categories: { cleanliness: 5 } }),
        ),
      ),
    ).toMatchObject({ _tag: 'ValidationFailed' })
  })

  it('an admin hides a revealed review: it leaves the public list and the listing aggregate', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const b = await completedStay(w)
    const r = await run(useCases.postReview.execute(w.guest, { bookingId: b.id, rating: 1 }))
    await run(useCases.postReview.execute(w.host, { bookingId: b.id, rating: 5 }))
    expect((await listingOf(w, b)).rating.count).toBe(1)
    await run(useCases.hideReview.execute(w.admin, { reviewId: r.id, reason: 'abusive' }))
    expect(await publicReviews(w, b)).toHaveLength(0)
    expect((await listingOf(w, b)).rating.count).toBe(0)
    expect(await failure(run(useCases.hideReview.execute(w.host, { reviewId: r.id })))).toMatchObject({
      _tag: 'Forbidden',
    })
  })
})
