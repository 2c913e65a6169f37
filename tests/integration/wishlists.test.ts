import { describe, expect, it } from 'vitest'
import { activeListing, listingInput, makeWorld } from './engine-fixtures.js'
import { failure } from './more-fixtures.js'

describe('wishlists', () => {
  it('saved listings are listed newest first with their listing; saving twice keeps the first entry', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const a = await activeListing(w, { title: 'A' })
    const b = await activeListing(w, { title: 'B' })
    const first = await run(useCases.addToWishlist.execute(w.guest, { listingId: a.id }))
    adapters.clock.advance(1000)
    await run(useCases.addToWishlist.execute(w.guest, { listingId: b.id }))
    adapters.clock.advance(1000)
    await run(useCases.addToWishlist.execute(w.guest, { listingId: a.id }))
    const list = await run(useCases.listWishlist.execute(w.guest, {}))
    expect(list.items.map((i) => i.listing.title)).toEqual(['B', 'A'])
    expect(list.items.find((i) => i.listingId === a.id)?.addedAt).toBe(first.addedAt)
    // Each user has their own.
    expect((await run(useCases.listWishlist.execute(w.other, {}))).items).toHaveLength(0)
  })

  it('removing takes a listing off (and removing again is harmless)', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const a = await activeListing(w)
    await run(useCases.addToWishlist.execute(w.guest, { listingId: a.id }))
    await run(useCases.removeFromWishlist.execute(w.guest, { listingId: a.id }))
    await run(useCases.removeFromWishlist.execute(w.guest, { listingId: a.id }))
    expect((await run(useCases.listWishlist.execute(w.guest, {}))).items).toHaveLength(0)
  })

  it('a draft cannot be saved (ListingNotFound); a saved listing that is deactivated stays, with its status', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const draft = await run(useCases.createListing.execute(w.host, listingInput()))
    expect(
      await failure(run(useCases.addToWishlist.execute(w.guest, { listingId: draft.id }))),
    ).toMatchObject({
      _tag: 'ListingNotFound',
    })
    const a = await activeListing(w)
    await run(useCases.addToWishlist.execute(w.guest, { listingId: a.id }))
    await run(useCases.deactivateListing.execute(w.host, a.id))
    const list = await run(useCases.listWishlist.execute(w.guest, {}))
    expect(list.items.map((i) => i.listing.status)).toEqual(['inactive'])
  })

  it('pages through a long wishlist with a cursor, each entry once', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const saved: string[] = []
    for (let i = 0; i < 7; i++) {
      const l = await activeListing(w, { title: `L${i}` })
      await run(useCases.addToWishlist.execute(w.guest, { listingId: l.id }))
      adapters.clock.advance(1000)
      saved.push(l.id)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: readonly { listingId: string }[]; nextCursor: string | null } = await run(
        useCases.listWishlist.execute(w.guest, { limit: 3, cursor }),
      )
      seen.push(...page.items.map((i) => i.listingId))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual([...saved].reverse())
  })
})
