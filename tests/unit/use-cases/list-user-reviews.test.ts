import { describe, expect, it } from 'vitest'
import { ListUserReviews } from '../../../core/application/list-user-reviews.js'
import { PostReview } from '../../../core/application/post-review.js'
import { untyped } from '../../support/untyped.js'
import { failure, guest, host, makeBooking, reviewWorld, run } from './harness.js'

describe('ListUserReviews', () => {
  it('shows only the visible reviews about the user', async () => {
    const w = await reviewWorld()
    await run(w.bookings.save(makeBooking('bkg_2'), []))
    const post = new PostReview(w)
    const aboutGuest = await run(post.execute(host, { bookingId: 'bkg_1', rating: 5 }))
    const aboutHost = await run(post.execute(guest, { bookingId: 'bkg_1', rating: 4 }))
    await run(post.execute(host, { bookingId: 'bkg_2', rating: 1 })) // still blind
    const uc = new ListUserReviews(w)
    expect((await run(uc.execute({ userId: 'usr_guest' }))).items.map((r) => r.id)).toEqual([aboutGuest.id])
    expect((await run(uc.execute({ userId: 'usr_host' }))).items.map((r) => r.id)).toEqual([aboutHost.id])
  })

  it('an unknown user is UserNotFound; bad input is ValidationFailed', async () => {
    const w = await reviewWorld()
    const uc = new ListUserReviews(w)
    expect((await failure(uc.execute({ userId: 'usr_nope' })))._tag).toBe('UserNotFound')
    expect((await failure(uc.execute(untyped({ userId: 'usr_guest', cursor: 5 }))))._tag).toBe(
      'ValidationFailed',
    )
  })
})
