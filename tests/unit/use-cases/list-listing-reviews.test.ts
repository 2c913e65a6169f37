import { describe, expect, it } from 'vitest'
import { HideReview } from '../../../core/application/hide-review.js'
import { ListListingReviews } from '../../../core/application/list-listing-reviews.js'
import { PostReview } from '../../../core/application/post-review.js'
import { admin, failure, guest, host, makeBooking, reviewWorld, run } from './harness.js'

const setup = async () => {
  const w = await reviewWorld()
  const post = new PostReview(w)
  for (const id of ['bkg_2', 'bkg_3']) await run(w.bookings.save(makeBooking(id), []))
  // bkg_1: both sides, revealed. bkg_2: guest only, still blind. bkg_3: revealed, then hidden.
  const visible = await run(post.execute(guest, { bookingId: 'bkg_1', rating: 5 }))
  await run(post.execute(host, { bookingId: 'bkg_1', rating: 5 }))
  await run(post.execute(guest, { bookingId: 'bkg_2', rating: 1 }))
  const hidden = await run(post.execute(guest, { bookingId: 'bkg_3', rating: 2 }))
  await run(post.execute(host, { bookingId: 'bkg_3', rating: 4 }))
  await run(new HideReview(w).execute(admin, { reviewId: hidden.id }))
  return { w, visible, uc: new ListListingReviews(w) }
}

describe('ListListingReviews', () => {
  it('shows the public only revealed, non-hidden guest reviews of the listing', async () => {
    const { uc, visible } = await setup()
    const page = await run(uc.execute({ listingId: 'lst_1' }))
    expect(page.items.map((r) => r.id)).toEqual([visible.id])
    expect(page.items[0]?.direction).toBe('guest_to_listing')
  })

  it('pages with a cursor', async () => {
    const { uc } = await setup()
    const first = await run(uc.execute({ listingId: 'lst_1', limit: 1 }))
    expect(first.nextCursor).not.toBeNull()
    const rest = await run(uc.execute({ listingId: 'lst_1', limit: 10, cursor: first.nextCursor }))
    expect(rest.nextCursor).toBeNull()
  })

  it('an unknown listing is ListingNotFound; bad input is ValidationFailed', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute({ listingId: 'lst_nope' })))._tag).toBe('ListingNotFound')
    expect((await failure(uc.execute({ listingId: 'lst_1', limit: 1000 })))._tag).toBe('ValidationFailed')
  })
})
