import { Effect, Exit } from 'effect'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { PromiseError } from '../../apps/composition/promise-facade.js'
import type { RequestBooking, RequestBookingInput } from '../../core/application/request-booking.js'
import { NightsUnavailable } from '../../core/domain/shared/errors.js'
import { activeListing, makeWorld } from '../integration/engine-fixtures.js'
import { untyped } from '../support/untyped.js'

const stayAt = (listingId: string) =>
  ({ listingId, checkIn: '2026-04-10', checkOut: '2026-04-12', guests: 2 }) as const

describe('typed inputs: a use case takes its schema’s encoded type and still decodes at run time', () => {
  it('the input parameter is the schema’s encoded type', () => {
    expectTypeOf<Parameters<RequestBooking['execute']>[1]>().toEqualTypeOf<
      typeof RequestBookingInput.Encoded
    >()
  })

  it('a typo’d field does not compile, and sent anyway (as JavaScript would) it is a ValidationFailed', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w)
    const exit = await Effect.runPromiseExit(
      w.engine.useCases.requestBooking.execute(w.guest, {
        listingId: listing.id,
        // @ts-expect-error: `checkin` is a typo of `checkIn`, which the input type requires
        checkin: '2026-04-10',
        checkOut: '2026-04-12',
        guests: 2,
      }),
    )
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain('ValidationFailed')
  })

  it('a wrong value type does not compile either (guests is a number)', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w)
    const exit = await Effect.runPromiseExit(
      // @ts-expect-error: `guests` is a number of guests, not a string
      w.engine.useCases.requestBooking.execute(w.guest, { ...stayAt(listing.id), guests: '2' }),
    )
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain('ValidationFailed')
  })

  it('run-time decoding still answers anything at all with a typed ValidationFailed', async () => {
    const w = await makeWorld()
    for (const raw of [null, 42, 'x', { listingId: 'lst_1' }]) {
      const exit = await Effect.runPromiseExit(
        w.engine.useCases.requestBooking.execute(w.guest, untyped(raw)),
      )
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain('ValidationFailed')
    }
  })
})

describe('Promise facade: isFailure narrows a rejection to the use case’s error union without casts', () => {
  it('narrows to the typed errors of that use case, and switch on `code` reaches their fields', async () => {
    const w = await makeWorld()
    const { promises } = w.engine
    const listing = await activeListing(w)
    await promises.requestBooking(w.guest, stayAt(listing.id))
    const caught = await promises.requestBooking(w.other, stayAt(listing.id)).then(
      () => null,
      (e: unknown) => e,
    )
    expect(caught).toBeInstanceOf(NightsUnavailable)
    expect(promises.requestBooking.isFailure(caught)).toBe(true)
    if (!promises.requestBooking.isFailure(caught)) return
    expectTypeOf(caught).toEqualTypeOf<PromiseError<RequestBooking>>()
    switch (caught.code) {
      case 'nights_unavailable':
        expect(caught.nights.length).toBe(2)
        break
      default:
        expect.fail(`unexpected ${caught.code}`)
    }
  })

  it('is false for a look-alike, a defect, and another method’s failure', async () => {
    const w = await makeWorld()
    const { promises } = w.engine
    const listing = await activeListing(w)
    expect(
      promises.requestBooking.isFailure(new NightsUnavailable({ listingId: listing.id, nights: [] })),
    ).toBe(false)
    expect(promises.requestBooking.isFailure({ _tag: 'NightsUnavailable', code: 'nights_unavailable' })).toBe(
      false,
    )
    expect(promises.requestBooking.isFailure(new Error('boom'))).toBe(false)
    const other = await promises.registerUser(untyped({})).then(
      () => null,
      (e: unknown) => e,
    )
    expect(promises.registerUser.isFailure(other)).toBe(true)
    expect(promises.requestBooking.isFailure(other)).toBe(false)
  })
})
