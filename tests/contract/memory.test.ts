import { Option } from 'effect'
import { describe, expect, it } from 'vitest'
import {
  InMemoryAvailabilityStore,
  InMemoryBookingRepository,
  InMemoryCache,
  InMemoryEventPublisher,
  InMemoryGuestProfileRepository,
  InMemoryIdempotencyStore,
  InMemoryListingRepository,
  InMemoryOutbox,
  InMemoryPaymentGateway,
  InMemoryPaymentRepository,
  InMemoryPayoutGateway,
  InMemoryPayoutLedger,
  InMemoryRateLimiter,
  InMemoryReviewRepository,
  InMemorySessionStore,
  InMemoryUserRepository,
  InMemoryWishlistRepository,
  ManualClock,
  RecordingNotifier,
  SequentialIdGenerator,
} from '../../adapters/memory/index.js'
import { snapshot } from '../../adapters/memory/support.js'
import { localDate } from '../../core/domain/shared/dates.js'
import { asId } from '../../core/domain/shared/ids.js'
import { availabilityStoreContract } from './availability-store.contract.js'
import { bookingRepositoryContract } from './booking-repository.contract.js'
import { cacheContract } from './cache.contract.js'
import { clockContract } from './clock.contract.js'
import { eventPublisherContract } from './event-publisher.contract.js'
import { event, makeBooking, makeUser, run, T0, USD } from './fixtures.js'
import { guestProfileRepositoryContract } from './guest-profile-repository.contract.js'
import { idGeneratorContract } from './id-generator.contract.js'
import { idempotencyStoreContract } from './idempotency-store.contract.js'
import { listingRepositoryContract } from './listing-repository.contract.js'
import { notifierContract } from './notifier.contract.js'
import { outboxContract } from './outbox.contract.js'
import { paymentGatewayContract } from './payment-gateway.contract.js'
import { paymentRepositoryContract } from './payment-repository.contract.js'
import { payoutGatewayContract } from './payout-gateway.contract.js'
import { payoutLedgerContract } from './payout-ledger.contract.js'
import { rateLimiterContract } from './rate-limiter.contract.js'
import { reviewRepositoryContract } from './review-repository.contract.js'
import { sessionStoreContract } from './session-store.contract.js'
import { userRepositoryContract } from './user-repository.contract.js'
import { wishlistRepositoryContract } from './wishlist-repository.contract.js'

const SECRET = 'whsec_memory_contract'

outboxContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { outbox, append: async (events) => outbox.append(events) }
})
payoutLedgerContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { ledger: new InMemoryPayoutLedger(outbox), pendingEvents: async () => outbox.pendingEvents() }
})
payoutGatewayContract('memory', async () => {
  const gateway = new InMemoryPayoutGateway()
  return {
    gateway,
    closeAccount: (d) => gateway.closeAccount(d),
    makeUnavailable: (n) => gateway.failNext(n),
    providerTransfers: async () => gateway.transfers(),
  }
})
userRepositoryContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { repo: new InMemoryUserRepository(outbox), outbox }
})
listingRepositoryContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { repo: new InMemoryListingRepository(outbox), outbox }
})
bookingRepositoryContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { repo: new InMemoryBookingRepository(outbox), outbox }
})
paymentRepositoryContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { repo: new InMemoryPaymentRepository(outbox), outbox }
})
reviewRepositoryContract('memory', async () => {
  const outbox = new InMemoryOutbox()
  return { repo: new InMemoryReviewRepository(outbox), outbox }
})
wishlistRepositoryContract('memory', async () => ({ repo: new InMemoryWishlistRepository() }))
guestProfileRepositoryContract('memory', async () => ({ repo: new InMemoryGuestProfileRepository() }))
availabilityStoreContract('memory', async () => {
  const clock = new ManualClock(T0)
  return { store: new InMemoryAvailabilityStore(clock), clock }
})
paymentGatewayContract('memory', async () => {
  const clock = new ManualClock(T0)
  const gateway = new InMemoryPaymentGateway({ clock, secret: SECRET })
  return {
    gateway,
    clock,
    secret: SECRET,
    confirmPayment: async (ref, outcome, message) => {
      gateway.confirmPayment(ref, outcome, message)
    },
    takeDeliveries: async () => gateway.takeDeliveries(),
    declineNextOffSession: (reason) => gateway.declineNextOffSession(1, reason),
    emitUnusedEvent: async () => gateway.emitUnusedEvent(),
  }
})
eventPublisherContract('memory', async () => {
  const publisher = new InMemoryEventPublisher()
  return { publisher, received: async () => publisher.published(), failNext: () => publisher.failNext() }
})
notifierContract('memory', async () => {
  const notifier = new RecordingNotifier()
  return { notifier, sent: async () => notifier.sent() }
})
cacheContract('memory', async () => {
  const clock = new ManualClock(T0)
  return { cache: new InMemoryCache(clock), clock }
})
rateLimiterContract('memory', async () => {
  const clock = new ManualClock(T0)
  return { limiter: new InMemoryRateLimiter(clock), clock }
})
idempotencyStoreContract('memory', async () => {
  const clock = new ManualClock(T0)
  return { store: new InMemoryIdempotencyStore(clock), clock }
})
sessionStoreContract('memory', async () => ({
  store: new InMemorySessionStore(),
  clock: new ManualClock(T0),
}))
clockContract('ManualClock', async () => ({ clock: new ManualClock() }))
let idNamespaces = 0
// Each instance with a namespace of its own, as the processes of one deployment have.
idGeneratorContract('SequentialIdGenerator', async () => ({
  ids: new SequentialIdGenerator({ namespace: `n${++idNamespaces}` }),
}))

describe('memory adapters: specifics beyond the port contracts', () => {
  it('ManualClock moves only when told: set and advance', () => {
    const clock = new ManualClock(T0)
    expect(clock.now()).toBe(T0)
    clock.advance(1_500)
    expect(clock.now()).toBe(T0 + 1_500)
    clock.set(42)
    expect(clock.now()).toBe(42)
  })

  it('SequentialIdGenerator is deterministic, per kind, with an optional namespace and seed', () => {
    const a = new SequentialIdGenerator()
    expect([a.next('user'), a.next('user'), a.next('booking')]).toEqual([
      'usr_000001',
      'usr_000002',
      'bkg_000001',
    ])
    const b = new SequentialIdGenerator({ namespace: 'sim7', seed: 100, width: 4 })
    expect(b.next('listing')).toBe('lst_sim7_0100')
  })

  it('repositories sharing one outbox append in save order with one global seq', async () => {
    const outbox = new InMemoryOutbox()
    const users = new InMemoryUserRepository(outbox)
    const bookings = new InMemoryBookingRepository(outbox)
    const e1 = event('usr_1', 'innkeeper.user.registered.v1')
    const e2 = event('bkg_1', 'innkeeper.booking.requested.v1')
    await run(users.save(makeUser('usr_1'), [e1]))
    await run(bookings.save(makeBooking('bkg_1'), [e2]))
    const pending = await run(outbox.pending(10))
    expect(pending.map((p) => [p.event.id, p.seq])).toEqual([
      [e1.id, 1],
      [e2.id, 2],
    ])
  })

  it('stored entities are frozen copies: mutating a read result throws and changes nothing', async () => {
    const repo = new InMemoryBookingRepository(new InMemoryOutbox())
    const b = makeBooking('bkg_1')
    await run(repo.save(b, []))
    const read = Option.getOrThrow(await run(repo.byId(b.id)))
    expect(read).not.toBe(b)
    expect(Object.isFrozen(read)).toBe(true)
    expect(Object.isFrozen(read.stay)).toBe(true)
  })

  it('snapshot: a deep frozen copy that nothing the caller keeps can change', () => {
    const nested = { tags: ['a', 'b'], at: new Date(5), inner: { n: 1 } }
    const original = { id: 'x', nested, list: [{ k: 1 }], nothing: undefined, none: null }
    const copy = snapshot(original)
    expect(copy).toStrictEqual(original)
    expect(copy).not.toBe(original)
    expect(copy.nested).not.toBe(nested)
    expect(copy.nested.at).toBeInstanceOf(Date)
    expect(copy.nested.at).not.toBe(nested.at)
    for (const part of [copy, copy.nested, copy.nested.tags, copy.nested.inner, copy.list, copy.list[0]])
      expect(Object.isFrozen(part)).toBe(true)
    // Changing the original afterwards does not reach the copy.
    nested.inner.n = 2
    nested.tags.push('c')
    expect(copy.nested.inner.n).toBe(1)
    expect(copy.nested.tags).toEqual(['a', 'b'])
    // A shallowly frozen object of the caller's is copied too: its insides could still change.
    const shallow = Object.freeze({ inner: { n: 1 } })
    const fromShallow = snapshot({ shallow })
    expect(fromShallow.shallow).not.toBe(shallow)
    shallow.inner.n = 9
    expect(fromShallow.shallow.inner.n).toBe(1)
    expect(Object.isFrozen(fromShallow.shallow.inner)).toBe(true)
  })

  it('availability stores only nights that differ from the default', async () => {
    const clock = new ManualClock(T0)
    const store = new InMemoryAvailabilityStore(clock)
    const L = asId('listing', 'lst_big')
    await run(store.setUnits(L, 1))
    await run(
      store.hold(
        L,
        asId('booking', 'bkg_1'),
        { checkIn: localDate('2026-03-01'), checkOut: localDate('2026-03-03') },
        clock.now(),
      ),
    )
    clock.advance(1)
    const year = await run(store.calendar(L, localDate('2026-01-01'), localDate('2027-01-01')))
    expect(year).toHaveLength(365)
    expect(year.every((n) => n.available === 1)).toBe(true)
    // Internal check: the expired hold left no stored nights behind.
    const internals = (store as unknown as { listings: Map<string, { nights: Map<number, unknown> }> })
      .listings
    expect(internals.get(L)?.nights.size).toBe(0)
  })

  it('gateway deliveries can be inspected without draining, and pushed to onDelivery handlers', async () => {
    const clock = new ManualClock(T0)
    const gateway = new InMemoryPaymentGateway({ clock, secret: SECRET })
    const pushed: string[] = []
    const unsubscribe = gateway.onDelivery((d) => pushed.push(d.rawBody))
    const intent = await run(
      gateway.createIntent({
        amount: 500,
        currency: USD,
        captureMethod: 'automatic',
        idempotencyKey: 'k1',
        metadata: {},
      }),
    )
    gateway.confirmPayment(intent.providerRef, 'succeed')
    expect(gateway.pendingDeliveries()).toHaveLength(1)
    expect(gateway.pendingDeliveries()).toHaveLength(1)
    await Promise.resolve()
    expect(pushed).toHaveLength(1)
    unsubscribe()
    expect(gateway.takeDeliveries()).toHaveLength(1)
    expect(gateway.pendingDeliveries()).toHaveLength(0)
    expect(gateway.provider).toBe('memory')
  })

  it('the event publisher notifies subscribers and can fail the next N publishes', async () => {
    const publisher = new InMemoryEventPublisher()
    const seen: string[] = []
    publisher.subscribe((e) => seen.push(e.id))
    publisher.failNext(2)
    const e = event('bkg_1')
    await expect(run(publisher.publish([e]))).rejects.toBeDefined()
    await expect(run(publisher.publish([e]))).rejects.toBeDefined()
    await run(publisher.publish([e]))
    expect(seen).toEqual([e.id])
  })
})
