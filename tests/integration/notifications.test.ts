import { describe, expect, it } from 'vitest'
import { activeListing, bookAndPay, makeWorld } from './engine-fixtures.js'

describe('notifications from published events', () => {
  it('a confirmed instant booking tells host and guest once each, even when events are relayed twice', async () => {
    const w = await makeWorld()
    const { adapters, useCases, run } = w.engine
    const listing = await activeListing(w)
    await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    await w.engine.tick()
    const confirmed = adapters.notifier.sent().filter((n) => n.template === 'booking_confirmed')
    expect(confirmed).toHaveLength(2)
    // At-least-once: the same events published again are de-duplicated by the notifier.
    for (const e of adapters.publisher.published()) await run(useCases.notifyOnEvent.execute(e))
    expect(adapters.notifier.sent().filter((n) => n.template === 'booking_confirmed')).toHaveLength(2)
  })

  it('the host hears of a request; the guest of a decline; nobody hears about a suspended account', async () => {
    const w = await makeWorld()
    const { adapters, useCases, run } = w.engine
    const listing = await activeListing(w, { bookingMode: 'request' })
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    await run(useCases.declineBooking.execute(w.host, b.id))
    if (w.guest.kind !== 'user') throw new Error('guest is a user')
    await run(useCases.suspendUser.execute(w.admin, { userId: w.guest.userId }))
    await w.engine.tick()
    const templates = adapters.notifier.sent().map((n) => n.template)
    expect(templates).toContain('booking_requested')
    expect(templates).toContain('booking_awaiting_host')
    // The guest was suspended before the relay ran: the decline reaches nobody.
    expect(templates).not.toContain('booking_declined')
  })
})
