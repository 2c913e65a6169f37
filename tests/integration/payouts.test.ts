import { describe, expect, it } from 'vitest'
import type { Caller } from '../../core/application/support/caller.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { HOUR, instant } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, bookingOf, makeWorld, type World } from './engine-fixtures.js'

/**
 * Host payouts on the wired in-memory engine: booking events feed the ledger through the outbox,
 * the tick pays what is payable 24 h after check-in, and refunds after a payout are netted.
 */

const ACCT = 'acct_1HostPayouts'

const setAccount = (w: World, id: string | null, who: Caller = w.host) =>
  w.engine.run(w.engine.useCases.updateProfile.execute(who, { payoutAccountId: id }))
const balance = (w: World) => w.engine.run(w.engine.useCases.getPayoutBalance.execute(w.host))
const payouts = (w: World) => w.engine.run(w.engine.useCases.listPayouts.execute(w.host, {}))
const at = async (w: World, t: number) => {
  w.engine.adapters.clock.set(instant(t))
  return w.engine.tick()
}
const eur = async (w: World) => (await balance(w)).balances.find((b) => b.currency === 'EUR')!

const confirmedStay = async (w: World, checkIn: string, checkOut: string, over = {}): Promise<Booking> => {
  const l = await activeListing(w, over)
  const b = await bookAndPay(w, l.id, { checkIn, checkOut })
  expect(b.state).toBe('confirmed')
  await w.engine.tick()
  return b
}

describe('host payouts (in-memory engine)', () => {
  it('a confirmed stay earns its quote’s host payout, paid once 24 h after check-in, to the host’s account', async () => {
    const w = await makeWorld()
    await setAccount(w, ACCT)
    const b = await confirmedStay(w, '2026-03-10', '2026-03-13')
    expect(await eur(w)).toMatchObject({
      available: 0,
      upcoming: b.quote.hostPayout,
      earned: b.quote.hostPayout,
    })

    const checkIn = b.points.checkInAt!
    const early = await at(w, checkIn + 23 * HOUR)
    expect(early.payouts.created).toBe(0)
    const due = await at(w, checkIn + 24 * HOUR)
    expect(due.payouts).toMatchObject({ created: 1, paid: 1 })
    await at(w, checkIn + 48 * HOUR)

    expect(w.engine.adapters.payoutGateway.transfers()).toEqual([
      expect.objectContaining({ amount: b.quote.hostPayout, currency: 'EUR', destination: ACCT }),
    ])
    const page = await payouts(w)
    expect(page.items).toHaveLength(1)
    expect(page.items[0]).toMatchObject({ status: 'paid', amount: b.quote.hostPayout, destination: ACCT })
    expect(await eur(w)).toMatchObject({
      available: 0,
      upcoming: 0,
      inTransit: 0,
      paidOut: b.quote.hostPayout,
    })
  })

  it('a host without a payout account keeps the balance; it is paid once the account is set', async () => {
    const w = await makeWorld()
    const b = await confirmedStay(w, '2026-03-10', '2026-03-12')
    const due = b.points.checkInAt! + 24 * HOUR
    expect((await at(w, due)).payouts).toMatchObject({ created: 0, deferred: 1 })
    expect(await eur(w)).toMatchObject({ available: b.quote.hostPayout })
    await setAccount(w, ACCT)
    // The next look is `payoutRetryHours` (6 h) later.
    expect((await at(w, due + 6 * HOUR)).payouts).toMatchObject({ created: 1, paid: 1 })
    expect(w.engine.adapters.payoutGateway.totalTo(ACCT, b.quote.currency)).toBe(b.quote.hostPayout)
  })

  it('a guest cancellation keeps the host’s share of what was retained; a host cancellation earns nothing', async () => {
    const w = await makeWorld()
    await setAccount(w, ACCT)
    const kept = await confirmedStay(w, '2026-03-20', '2026-03-23', { cancellationPolicy: 'non_refundable' })
    await w.engine.run(w.engine.useCases.cancelBooking.execute(w.guest, kept.id, { reason: 'plans changed' }))
    const lost = await confirmedStay(w, '2026-03-25', '2026-03-27')
    await w.engine.run(w.engine.useCases.cancelBooking.execute(w.host, lost.id, { reason: 'double booked' }))
    await w.engine.tick()
    const k = await bookingOf(w, kept.id)
    expect(k.cancellation!.refundAmount).toBe(0)
    expect(await eur(w)).toMatchObject({ upcoming: kept.quote.hostPayout, earned: kept.quote.hostPayout })
  })

  it('a cancellation after the payout takes the money back: a negative balance netted against the next payout', async () => {
    const w = await makeWorld()
    await setAccount(w, ACCT)
    const first = await confirmedStay(w, '2026-03-10', '2026-03-15')
    const second = await confirmedStay(w, '2026-03-20', '2026-03-28')
    await at(w, first.points.checkInAt! + 25 * HOUR)
    expect(w.engine.adapters.payoutGateway.totalTo(ACCT, first.quote.currency)).toBe(first.quote.hostPayout)

    // The host cancels the stay in progress: everything is refunded, the earning taken back.
    await w.engine.run(w.engine.useCases.cancelBooking.execute(w.host, first.id, { reason: 'flooded' }))
    await w.engine.tick()
    expect(await eur(w)).toMatchObject({
      available: -first.quote.hostPayout,
      paidOut: first.quote.hostPayout,
    })

    await at(w, second.points.checkInAt! + 25 * HOUR)
    const paid = w.engine.adapters.payoutGateway.transfers().map((t) => t.amount)
    expect(paid).toEqual([first.quote.hostPayout, second.quote.hostPayout - first.quote.hostPayout])
    expect(await eur(w)).toMatchObject({ available: 0, paidOut: second.quote.hostPayout })
  })

  it('an unreachable provider leaves the payout pending; the next tick pays it once', async () => {
    const w = await makeWorld()
    await setAccount(w, ACCT)
    const b = await confirmedStay(w, '2026-03-10', '2026-03-12')
    w.engine.adapters.payoutGateway.failNext(2)
    const due = b.points.checkInAt! + 24 * HOUR
    expect((await at(w, due)).payouts).toMatchObject({ created: 1, paid: 0, unavailable: 1 })
    expect(await eur(w)).toMatchObject({ available: 0, inTransit: b.quote.hostPayout })
    expect((await at(w, due + HOUR)).payouts).toMatchObject({ created: 0, paid: 0, unavailable: 1 })
    expect((await at(w, due + 2 * HOUR)).payouts).toMatchObject({ created: 0, paid: 1 })
    expect(w.engine.adapters.payoutGateway.transfers()).toHaveLength(1)
    expect(await eur(w)).toMatchObject({ inTransit: 0, paidOut: b.quote.hostPayout })
  })

  it('a refused transfer fails the payout and gives the amount back; a corrected account is paid later', async () => {
    const w = await makeWorld()
    await setAccount(w, 'acct_closed')
    w.engine.adapters.payoutGateway.closeAccount('acct_closed')
    const b = await confirmedStay(w, '2026-03-10', '2026-03-12')
    const due = b.points.checkInAt! + 24 * HOUR
    expect((await at(w, due)).payouts).toMatchObject({ created: 1, failed: 1 })
    expect(await eur(w)).toMatchObject({ available: b.quote.hostPayout, paidOut: 0 })
    expect((await payouts(w)).items[0]).toMatchObject({ status: 'failed' })
    await setAccount(w, ACCT)
    expect((await at(w, due + HOUR)).payouts.created).toBe(0)
    expect((await at(w, due + 6 * HOUR)).payouts).toMatchObject({ created: 1, paid: 1 })
    expect(await eur(w)).toMatchObject({ available: 0, paidOut: b.quote.hostPayout })
  })

  it('moving a stay moves when its earning is payable', async () => {
    const w = await makeWorld()
    await setAccount(w, ACCT)
    const b = await confirmedStay(w, '2026-03-10', '2026-03-12')
    await w.engine.run(
      w.engine.useCases.modifyBooking.execute(w.guest, b.id, {
        checkIn: '2026-04-10',
        checkOut: '2026-04-12',
      }),
    )
    await w.engine.tick()
    const moved = await bookingOf(w, b.id)
    expect((await at(w, b.points.checkInAt! + 25 * HOUR)).payouts.created).toBe(0)
    expect((await at(w, moved.points.checkInAt! + 24 * HOUR)).payouts.paid).toBe(1)
    expect(w.engine.adapters.payoutGateway.totalTo(ACCT, moved.quote.currency)).toBe(moved.quote.hostPayout)
  })

  it('only hosts see payouts and balances', async () => {
    const w = await makeWorld()
    for (const attempt of [
      w.engine.run(w.engine.useCases.listPayouts.execute(w.guest, {})),
      w.engine.run(w.engine.useCases.getPayoutBalance.execute(w.guest)),
    ])
      await expect(attempt).rejects.toMatchObject({ _tag: 'Forbidden' })
  })
})
