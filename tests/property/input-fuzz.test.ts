import { Cause, Effect, Exit } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'
import {
  activeListing,
  bookAndPay,
  listingInput,
  makeWorld,
  type World,
} from '../integration/engine-fixtures.js'
import { untyped } from '../support/untyped.js'

/**
 * Bad input gets a clear, typed error, never a crash: every use case that takes untrusted input is
 * fed random values — anything at all, and valid inputs with one field replaced by anything — and
 * must either succeed or fail with a tagged error carrying a stable `code`. A defect (an exception,
 * a broken invariant) fails the property.
 */
const RUNS = process.env.INNKEEPER_DEEP === '1' ? 5_000 : 300

type Target = (
  w: World,
  ctx: { listingId: ListingId; bookingId: BookingId },
  input: unknown,
) => Effect.Effect<unknown, unknown>

const targets: Record<string, { valid: Record<string, unknown>; run: Target }> = {
  registerUser: {
    valid: { email: 'x@example.com', password: 'long enough password', name: 'X' },
    run: (w, _c, i) => w.engine.useCases.registerUser.execute(untyped(i)),
  },
  authenticate: {
    valid: { email: 'x@example.com', password: 'long enough password' },
    run: (w, _c, i) => w.engine.useCases.authenticate.execute(untyped(i)),
  },
  updateProfile: {
    valid: { name: 'Y', bio: 'hi' },
    run: (w, _c, i) => w.engine.useCases.updateProfile.execute(w.guest, untyped(i)),
  },
  createListing: {
    valid: { ...listingInput() },
    run: (w, _c, i) => w.engine.useCases.createListing.execute(w.host, untyped(i)),
  },
  updateListing: {
    valid: { title: 'New', pricing: { baseNightly: 12_000 } },
    run: (w, c, i) => w.engine.useCases.updateListing.execute(w.host, c.listingId, untyped(i)),
  },
  setCalendar: {
    valid: { from: '2026-05-01', to: '2026-05-03', blocked: true },
    run: (w, c, i) => w.engine.useCases.setCalendar.execute(w.host, c.listingId, untyped(i)),
  },
  getCalendar: {
    valid: { from: '2026-05-01', to: '2026-05-03' },
    run: (w, c, i) => w.engine.useCases.getCalendar.execute(w.guest, c.listingId, untyped(i)),
  },
  quoteStay: {
    valid: { checkIn: '2026-05-01', checkOut: '2026-05-03', guests: 2 },
    run: (w, c, i) => w.engine.useCases.quoteStay.execute(w.guest, c.listingId, untyped(i)),
  },
  searchListings: {
    valid: { city: 'Amsterdam', checkIn: '2026-05-01', checkOut: '2026-05-03', guests: 2, sort: 'price_asc' },
    run: (w, _c, i) => w.engine.useCases.searchListings.execute(untyped(i)),
  },
  requestBooking: {
    valid: { listingId: 'lst_000001', checkIn: '2026-05-01', checkOut: '2026-05-03', guests: 2 },
    run: (w, _c, i) => w.engine.useCases.requestBooking.execute(w.other, untyped(i)),
  },
  modifyBooking: {
    valid: { checkOut: '2026-04-13' },
    run: (w, c, i) => w.engine.useCases.modifyBooking.execute(w.guest, c.bookingId, untyped(i)),
  },
  cancelBooking: {
    valid: { reason: 'plans changed' },
    run: (w, c, i) => w.engine.useCases.cancelBooking.execute(w.guest, c.bookingId, untyped(i)),
  },
  postReview: {
    valid: { bookingId: 'bkg_000001', rating: 5 },
    run: (w, _c, i) => w.engine.useCases.postReview.execute(w.guest, untyped(i)),
  },
  saveGuestProfile: {
    valid: { name: 'Kid', ageGroup: 'child' },
    run: (w, _c, i) => w.engine.useCases.saveGuestProfile.execute(w.guest, untyped(i)),
  },
  hostReport: {
    valid: { from: '2026-04-01', to: '2026-05-01' },
    run: (w, _c, i) => w.engine.useCases.hostReport.execute(w.host, untyped(i)),
  },
  listWishlist: {
    valid: { limit: 10 },
    run: (w, _c, i) => w.engine.useCases.listWishlist.execute(w.guest, untyped(i)),
  },
}

/** Values that break naive code: huge, negative, fractional, impossible dates, prototype keys. */
const nasty = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    -1,
    0,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER,
    '2026-02-30',
    '2026-13-01',
    '0000-01-01',
    '',
    'x'.repeat(100_000),
    '__proto__',
    null,
    [],
    {},
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
)

const input = (valid: Record<string, unknown>) =>
  fc.oneof(
    nasty,
    fc
      .record({ key: fc.constantFrom(...Object.keys(valid), 'unknownField', '__proto__'), value: nasty })
      .map(({ key, value }) => {
        const copy: Record<string, unknown> = { ...valid }
        Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true })
        return copy
      }),
  )

describe('untrusted input never crashes a use case', () => {
  it(`every input-taking use case answers random and near-valid input with a typed error or success (${RUNS} runs)`, async () => {
    const w = await makeWorld()
    const listing = await activeListing(w)
    const booking = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const ctx = { listingId: listing.id, bookingId: booking.id }
    const names = Object.keys(targets)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), input(targets[name]!.valid))),
        async ([name, raw]) => {
          const exit = await Effect.runPromiseExit(targets[name]!.run(w, ctx, raw))
          if (Exit.isSuccess(exit)) return
          const defects = Cause.prettyErrors(exit.cause)
          const failure = Cause.findErrorOption(exit.cause)
          expect(failure._tag, `${name} crashed on ${JSON.stringify(raw)?.slice(0, 200)}: ${defects}`).toBe(
            'Some',
          )
          if (failure._tag === 'Some') {
            const e = failure.value as { code?: unknown; _tag?: unknown }
            expect(typeof e.code, `${name}: error without a code`).toBe('string')
            expect(typeof e._tag).toBe('string')
          }
        },
      ),
      { numRuns: RUNS },
    )
  }, 600_000)
})
