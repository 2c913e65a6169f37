import { describe, expect, it } from 'vitest'
import { activeListing, bookAndPay, listingInput, makeWorld } from './engine-fixtures.js'
import { failure, requestStay } from './more-fixtures.js'

const stay = { checkIn: '2026-04-13', checkOut: '2026-04-15', guests: 2 }

describe('listing lifecycle', () => {
  it('a draft is not bookable and not visible to others, only to its host', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const draft = await run(useCases.createListing.execute(w.host, listingInput()))
    expect(draft.status).toBe('draft')
    expect((await run(useCases.getListing.execute(w.host, draft.id))).status).toBe('draft')
    expect(await failure(run(useCases.getListing.execute(w.guest, draft.id)))).toMatchObject({
      _tag: 'ListingNotFound',
    })
    expect(await failure(run(useCases.quoteStay.execute(w.guest, draft.id, stay)))).toMatchObject({
      _tag: 'ListingNotFound',
    })
    // Booking a draft answers as for a missing listing: a draft's id never leaks.
    expect(await failure(requestStay(w, draft.id, stay))).toMatchObject({
      _tag: 'ListingNotFound',
      code: 'listing_not_found',
    })
    expect((await run(useCases.searchListings.execute({ city: 'Amsterdam' }))).items).toHaveLength(0)
    expect(
      await failure(run(useCases.addToWishlist.execute(w.guest, { listingId: draft.id }))),
    ).toMatchObject({
      _tag: 'ListingNotFound',
    })
  })

  it('deactivate hides from search and stops new bookings; existing ones stand; activate brings it back', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, stay)
    const inactive = await run(useCases.deactivateListing.execute(w.host, l.id))
    expect(inactive.status).toBe('inactive')
    expect((await run(useCases.searchListings.execute({ city: 'Amsterdam' }))).items).toHaveLength(0)
    expect(
      await failure(requestStay(w, l.id, { checkIn: '2026-05-01', checkOut: '2026-05-03' }, w.other)),
    ).toMatchObject({ _tag: 'ListingNotBookable' })
    expect((await run(useCases.getBooking.execute(w.guest, b.id))).state).toBe('confirmed')
    // Deactivating again is a no-op (idempotent).
    expect((await run(useCases.deactivateListing.execute(w.host, l.id))).version).toBe(inactive.version)
    await run(useCases.activateListing.execute(w.host, l.id))
    expect((await run(useCases.searchListings.execute({ city: 'Amsterdam' }))).items).toHaveLength(1)
    expect(
      (await requestStay(w, l.id, { checkIn: '2026-05-01', checkOut: '2026-05-03' }, w.other)).state,
    ).toBe('pending_payment')
  })

  it('archive is final: no activation, no edits, no calendar changes, no bookings', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    expect((await run(useCases.archiveListing.execute(w.host, l.id))).status).toBe('archived')
    expect(await failure(run(useCases.activateListing.execute(w.host, l.id)))).toMatchObject({
      _tag: 'InvalidTransition',
      code: 'invalid_transition',
    })
    expect(await failure(run(useCases.deactivateListing.execute(w.host, l.id)))).toMatchObject({
      _tag: 'InvalidTransition',
    })
    expect(
      await failure(run(useCases.updateListing.execute(w.host, l.id, { title: 'Back again' }))),
    ).toMatchObject({
      _tag: 'InvalidTransition',
    })
    expect(
      await failure(
        run(
          useCases.setCalendar.execute(w.host, l.id, { from: '2026-04-01', to: '2026-04-02', blocked: true }),
        ),
      ),
    ).toMatchObject({ _tag: 'InvalidTransition' })
    expect(await failure(requestStay(w, l.id, stay))).toMatchObject({ _tag: 'ListingNotFound' })
    expect(await failure(run(useCases.getListing.execute(w.guest, l.id)))).toMatchObject({
      _tag: 'ListingNotFound',
    })
  })

  it('price and policy updates change new quotes only: existing bookings keep their snapshots', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { cancellationPolicy: 'flexible' })
    const b = await bookAndPay(w, l.id, stay)
    await run(
      useCases.updateListing.execute(w.host, l.id, {
        pricing: { baseNightly: 30_000, cleaningFee: 9_000 },
        cancellationPolicy: 'strict',
      }),
    )
    const after = await run(useCases.getBooking.execute(w.guest, b.id))
    expect(after.quote).toEqual(b.quote)
    expect(after.cancellationPolicy.name).toBe('flexible')
    const q = await run(
      useCases.quoteStay.execute(w.other, l.id, { checkIn: '2026-05-04', checkOut: '2026-05-06', guests: 2 }),
    )
    expect(q.nights.map((n) => n.amount)).toEqual([30_000, 30_000])
    expect(q.guestLines.find((x) => x.code === 'cleaning_fee')?.amount).toBe(9_000)
    // The old policy still decides the booking's refund: flexible = full refund more than 24 h out.
    const cancelled = await run(useCases.cancelBooking.execute(w.guest, b.id))
    expect(cancelled.refundedAmount).toBe(b.quote.guestTotal)
  })

  it('only its host (or an admin) edits a listing: another user gets ListingNotFound', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    expect(
      await failure(run(useCases.updateListing.execute(w.guest, l.id, { title: 'Mine now' }))),
    ).toMatchObject({
      _tag: 'ListingNotFound',
    })
    expect(await failure(run(useCases.deactivateListing.execute(w.guest, l.id)))).toMatchObject({
      _tag: 'ListingNotFound',
    })
    expect((await run(useCases.updateListing.execute(w.admin, l.id, { title: 'Fixed by ops' }))).title).toBe(
      'Fixed by ops',
    )
  })
})
