import { Option } from 'effect'
import { describe, expect, it } from 'vitest'
import { createInMemoryEngine } from '../../../apps/composition/in-memory-engine.js'
import type { Caller } from '../../../core/application/support/caller.js'
import { activeListing, makeWorld, T0, type World } from '../../integration/engine-fixtures.js'
import { failure, run } from './harness.js'

/** Issue 15: a deployment may require a verified e-mail before booking (`requireVerifiedEmail`). */

const stay = { checkIn: '2026-04-10', checkOut: '2026-04-12', guests: 2 }

const worldWith = (requireVerifiedEmail: boolean) =>
  makeWorld(createInMemoryEngine({ start: T0, passwordHashCost: 1024, settings: { requireVerifiedEmail } }))

const verify = async (w: World, c: Caller) => {
  if (c.kind !== 'user') throw new Error('a user caller')
  const users = w.engine.adapters.users
  const u = Option.getOrThrow(await run(users.byId(c.userId)))
  await run(users.save({ ...u, emailVerifiedAt: T0, version: u.version + 1 }, []))
}

describe('RequestBooking with requireVerifiedEmail', () => {
  it('on: an unverified guest gets EmailNotVerified (email_not_verified) and no night is held; verified, they book', async () => {
    const w = await worldWith(true)
    const listing = await activeListing(w)
    const book = () => w.engine.useCases.requestBooking.execute(w.guest, { listingId: listing.id, ...stay })
    const e = await failure(book())
    expect(e._tag).toBe('EmailNotVerified')
    expect(e.code).toBe('email_not_verified')
    const nights = await run(
      w.engine.useCases.getCalendar.execute(w.host, listing.id, { from: stay.checkIn, to: stay.checkOut }),
    )
    expect(nights.map((n) => n.available)).toEqual([1, 1])
    await verify(w, w.guest)
    expect((await run(book())).state).toBe('pending_payment')
  })

  it('off (the core default): an unverified guest books', async () => {
    const w = await worldWith(false)
    const listing = await activeListing(w)
    const b = await run(w.engine.useCases.requestBooking.execute(w.guest, { listingId: listing.id, ...stay }))
    expect(b.state).toBe('pending_payment')
  })
})
