import { describe, expect, it } from 'vitest'
import { PostReview } from '../../../core/application/post-review.js'
import { RespondToReview } from '../../../core/application/respond-to-review.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { as, eventTypes, failure, guest, host, reviewWorld, run } from './harness.js'

const setup = async (reveal = true) => {
  const w = await reviewWorld()
  const post = new PostReview(w)
  const g = await run(post.execute(guest, { bookingId: 'bkg_1', rating: 3, comment: 'Noisy' }))
  const h = reveal ? await run(post.execute(host, { bookingId: 'bkg_1', rating: 5 })) : null
  return { w, g, h, uc: new RespondToReview(w) }
}

describe('RespondToReview', () => {
  it('the host answers a revealed guest review once; innkeeper.review.responded.v1 is written', async () => {
    const { w, g, uc } = await setup()
    w.clock.advance(1000)
    const r = await run(uc.execute(host, { reviewId: g.id, comment: ' Sorry, fixed the window. ' }))
    expect(r.response).toEqual({ comment: 'Sorry, fixed the window.', at: w.clock.now() })
    expect(r.version).toBe(3)
    expect(eventTypes(w).at(-1)).toBe('innkeeper.review.responded.v1')
  })

  it('the guest answers the host’s review about them (the subject responds)', async () => {
    const { h, uc } = await setup()
    const r = await run(uc.execute(guest, { reviewId: h?.id ?? 'no host review', comment: 'Thanks!' }))
    expect(r.response?.comment).toBe('Thanks!')
  })

  it('a second response is ResponseAlreadyPosted', async () => {
    const { g, uc } = await setup()
    await run(uc.execute(host, { reviewId: g.id, comment: 'One' }))
    expect((await failure(uc.execute(host, { reviewId: g.id, comment: 'Two' })))._tag).toBe(
      'ResponseAlreadyPosted',
    )
  })

  it('a review that is not revealed yet is ReviewNotAllowed for its subject', async () => {
    const { g, uc } = await setup(false)
    const e = await failure(uc.execute(host, { reviewId: g.id, comment: 'Early' }))
    expect(e._tag).toBe('ReviewNotAllowed')
  })

  it('a hidden review is ReviewNotAllowed', async () => {
    const { w, g, uc } = await setup()
    const stored = await run(w.reviews.byId(g.id))
    if (stored._tag === 'Some')
      await run(w.reviews.saveAll([{ ...stored.value, hidden: true, version: stored.value.version + 1 }], []))
    expect((await failure(uc.execute(host, { reviewId: g.id, comment: 'Hm' })))._tag).toBe('ReviewNotAllowed')
  })

  it('anyone but the subject is Forbidden on a visible review (the author too)', async () => {
    const { g, uc } = await setup()
    expect((await failure(uc.execute(as('usr_eve'), { reviewId: g.id, comment: 'Hi' })))._tag).toBe(
      'Forbidden',
    )
    expect((await failure(uc.execute(guest, { reviewId: g.id, comment: 'Hi' })))._tag).toBe('Forbidden')
    expect((await failure(uc.execute(systemCaller, { reviewId: g.id, comment: 'Hi' })))._tag).toBe(
      'Forbidden',
    )
  })

  it('to others, a blind review and a missing one are both ReviewNotFound', async () => {
    const { g, uc } = await setup(false)
    expect((await failure(uc.execute(as('usr_eve'), { reviewId: g.id, comment: 'Hi' })))._tag).toBe(
      'ReviewNotFound',
    )
    expect((await failure(uc.execute(host, { reviewId: 'rev_nope', comment: 'Hi' })))._tag).toBe(
      'ReviewNotFound',
    )
  })

  it('a blank or over-long comment is ValidationFailed', async () => {
    const { g, uc } = await setup()
    expect((await failure(uc.execute(host, { reviewId: g.id, comment: '  ' })))._tag).toBe('ValidationFailed')
    expect((await failure(uc.execute(host, { reviewId: g.id, comment: 'x'.repeat(2001) })))._tag).toBe(
      'ValidationFailed',
    )
  })
})
