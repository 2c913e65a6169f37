import { describe, expect, it } from 'vitest'
import { HideReview } from '../../../core/application/hide-review.js'
import { PostReview } from '../../../core/application/post-review.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { untyped } from '../../support/untyped.js'
import { admin, eventTypes, failure, guest, host, listingRating, reviewWorld, run } from './harness.js'

const setup = async (reveal = true) => {
  const w = await reviewWorld()
  const post = new PostReview(w)
  const g = await run(post.execute(guest, { bookingId: 'bkg_1', rating: 2, categories: { value: 1 } }))
  const h = reveal ? await run(post.execute(host, { bookingId: 'bkg_1', rating: 5 })) : null
  return { w, g, h, uc: new HideReview(w) }
}

describe('HideReview', () => {
  it('an admin hides a counted review: it leaves the listing aggregate; innkeeper.review.hidden.v1 is written', async () => {
    const { w, g, uc } = await setup()
    expect((await listingRating(w)).count).toBe(1)
    const r = await run(uc.execute(admin, { reviewId: g.id, reason: 'abusive' }))
    expect(r.hidden).toBe(true)
    const rating = await listingRating(w)
    expect(rating.count).toBe(0)
    expect(rating.overallSum).toBe(0)
    expect(rating.categoryCounts.value).toBe(0)
    expect(eventTypes(w).at(-1)).toBe('innkeeper.review.hidden.v1')
  })

  it('hiding twice is a no-op: no second event, the aggregate is not reduced again', async () => {
    const { w, g, uc } = await setup()
    await run(uc.execute(admin, { reviewId: g.id }))
    const events = eventTypes(w).length
    const again = await run(uc.execute(admin, { reviewId: g.id }))
    expect(again.hidden).toBe(true)
    expect(eventTypes(w)).toHaveLength(events)
    expect((await listingRating(w)).count).toBe(0)
  })

  it('hiding a blind review or a host → guest review leaves the listing aggregate alone', async () => {
    const blind = await setup(false)
    await run(blind.uc.execute(admin, { reviewId: blind.g.id }))
    expect((await listingRating(blind.w)).count).toBe(0)
    const revealed = await setup()
    await run(revealed.uc.execute(admin, { reviewId: revealed.h?.id ?? 'no host review' }))
    expect((await listingRating(revealed.w)).count).toBe(1)
  })

  it('a non-admin is Forbidden', async () => {
    const { g, uc } = await setup()
    expect((await failure(uc.execute(host, { reviewId: g.id })))._tag).toBe('Forbidden')
    expect((await failure(uc.execute(systemCaller, { reviewId: g.id })))._tag).toBe('Forbidden')
  })

  it('an unknown review is ReviewNotFound; bad input is ValidationFailed', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(admin, { reviewId: 'rev_nope' })))._tag).toBe('ReviewNotFound')
    expect((await failure(uc.execute(admin, untyped({ id: 'rev_1' }))))._tag).toBe('ValidationFailed')
  })
})
