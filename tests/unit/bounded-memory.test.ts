import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import {
  InMemoryCache,
  InMemoryEventPublisher,
  InMemoryIdempotencyStore,
  InMemoryRateLimiter,
  ManualClock,
  RecordingNotifier,
} from '../../adapters/memory/index.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import type { Notification } from '../../ports/notifier.js'

/**
 * Issue 16, item 5: every in-memory store of a long-running process has a size bound or sweeps what
 * expired. Each case writes far more distinct keys than live at once, as a long `npm start` does
 * (58k distinct searches, 160k requests with random X-Forwarded-For, a day of idempotency keys).
 */
const run = Effect.runSync

describe('in-memory stores stay bounded in a long-running process', () => {
  it('the response cache drops expired entries as writes go on, without reads or invalidation', () => {
    const clock = new ManualClock(0)
    const cache = new InMemoryCache(clock)
    let largest = 0
    for (let i = 0; i < 60_000; i++) {
      run(cache.set(`search:${i}`, 'x'.repeat(100), { ttlMs: 30_000, tags: ['search'] }))
      clock.advance(10) // 3,000 entries live at any time
      largest = Math.max(largest, cache.size)
    }
    // At most about twice the live entries (a sweep runs once as many writes as entries have passed).
    expect(largest).toBeLessThanOrEqual(2 * 3_000 + 1_024)
  })

  it('the response cache keeps at most maxEntries, the oldest written going first', () => {
    const cache = new InMemoryCache(new ManualClock(0), { maxEntries: 100 })
    for (let i = 0; i < 1_000; i++) run(cache.set(`k${i}`, String(i), { ttlMs: 3_600_000, tags: ['t'] }))
    expect(cache.size).toBe(100)
    expect(run(cache.get('k999'))._tag).toBe('Some')
    expect(run(cache.get('k899'))._tag).toBe('None')
    // Tag invalidation still reaches every entry kept.
    run(cache.invalidateTags(['t']))
    expect(cache.size).toBe(0)
  })

  it('rate-limit buckets that have refilled are forgotten; a flood of distinct keys is capped', () => {
    const clock = new ManualClock(0)
    const limiter = new InMemoryRateLimiter(clock, { maxKeys: 10_000 })
    const policy = { capacity: 10, refillPerSecond: 1 }
    let largest = 0
    for (let i = 0; i < 160_000; i++) {
      run(limiter.consume(`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, policy))
      clock.advance(1) // a bucket refills 1 token in 1 s: ~1,000 live at any time
      largest = Math.max(largest, limiter.size)
    }
    expect(largest).toBeLessThanOrEqual(2 * 1_000 + 1_024)
    // The limit itself still holds for a key hammered meanwhile.
    const decisions = Array.from({ length: 11 }, () => run(limiter.consume('ip:hammer', policy)).allowed)
    expect(decisions.filter(Boolean)).toHaveLength(10)
  })

  it('idempotency keys expire out of memory, and at most maxEntries are kept', () => {
    const clock = new ManualClock(0)
    const store = new InMemoryIdempotencyStore(clock, { maxEntries: 5_000 })
    const response = { status: 201, body: '{}', headers: {} }
    for (let i = 0; i < 40_000; i++) {
      const key = `user:${i}`
      run(store.begin(key, 'fp', 60_000))
      run(store.complete(key, response, 60_000))
      clock.advance(100) // 600 live
    }
    expect(store.size).toBeLessThanOrEqual(2 * 600 + 1_024)
    // A recent key still replays.
    expect(run(store.begin('user:39999', 'fp', 60_000)).kind).toBe('completed')
    for (let i = 0; i < 8_000; i++) run(store.begin(`burst:${i}`, 'fp', 3_600_000))
    expect(store.size).toBe(5_000)
  })

  it('the event record and the notification record keep the latest entries, not all', () => {
    const publisher = new InMemoryEventPublisher({ retain: 1_000 })
    let seen = 0
    publisher.subscribe(() => seen++)
    const event = (i: number) =>
      ({
        id: `evt_${i}` as EventId,
        type: 'innkeeper.listing.activated.v1',
        subject: 'lst_1',
        time: instant(i),
        data: { listingId: 'lst_1', hostId: 'usr_1' },
      }) as DomainEvent
    for (let i = 0; i < 10_000; i++) run(publisher.publish([event(i)]))
    expect(seen).toBe(10_000)
    const kept = publisher.published()
    expect(kept.length).toBeGreaterThanOrEqual(1_000)
    expect(kept.length).toBeLessThanOrEqual(1_250 + 64)
    expect(kept.at(-1)?.id).toBe('evt_9999')

    const notifier = new RecordingNotifier({ retain: 1_000, retainKeys: 2_000 })
    const note = (i: number): Notification => ({
      channel: 'email',
      to: 'a@example.com',
      template: 'booking_confirmed',
      data: {},
      dedupeKey: `evt_${i}`,
    })
    for (let i = 0; i < 10_000; i++) run(notifier.send(note(i)))
    run(notifier.send(note(9_999))) // a recent key is still recognised
    expect(notifier.sent().length).toBeLessThanOrEqual(1_250 + 64)
    expect(notifier.sent().at(-1)?.dedupeKey).toBe('evt_9999')
    expect(notifier.sent().filter((n) => n.dedupeKey === 'evt_9999')).toHaveLength(1)
  })
})
