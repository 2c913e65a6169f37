import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { type EventPublisher, PublishFailed } from '../../ports/events.js'
import { event, failure, run } from './fixtures.js'

export interface EventPublisherHarness {
  readonly publisher: EventPublisher
  /** Everything consumers received so far, in order (waits for delivery where that is asynchronous). */
  readonly received: () => Promise<readonly DomainEvent[]>
  /** Makes the next publish fail (the broker refuses); a real broker may need a round trip. */
  readonly failNext: () => void | Promise<void>
  /** Lets the broker accept again after `failNext`, where refusing is a state rather than a count. */
  readonly restore?: () => Promise<void>
  readonly cleanup?: () => Promise<void>
}

export const eventPublisherContract = (name: string, make: () => Promise<EventPublisherHarness>) =>
  describe(`EventPublisher contract: ${name}`, () => {
    let h: EventPublisherHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('published events reach consumers intact and in order', async () => {
      const events = [
        event('bkg_1', 'innkeeper.booking.requested.v1'),
        event('bkg_1', 'innkeeper.booking.confirmed.v1'),
      ]
      await run(h.publisher.publish(events))
      const got = (await h.received()).filter((e) => events.some((x) => x.id === e.id))
      expect(got).toEqual(events)
    })

    it('a large batch arrives complete and in publish order', async () => {
      const events = Array.from({ length: 300 }, (_, i) =>
        event(
          `bkg_batch_${i % 7}`,
          i % 2 === 0 ? 'innkeeper.booking.requested.v1' : 'innkeeper.booking.confirmed.v1',
        ),
      )
      await run(h.publisher.publish(events))
      const ids = new Set(events.map((e) => e.id))
      const got = (await h.received()).filter((e) => ids.has(e.id))
      expect(got.map((e) => e.id)).toEqual(events.map((e) => e.id))
    })

    it('consecutive publishes keep their order', async () => {
      const first = [event('bkg_seq', 'innkeeper.booking.requested.v1')]
      const second = [event('bkg_seq', 'innkeeper.booking.confirmed.v1')]
      const third = [event('bkg_seq', 'innkeeper.booking.cancelled.v1')]
      await Promise.all([run(h.publisher.publish(first)), run(h.publisher.publish(second))])
      await run(h.publisher.publish(third))
      const ids = [...first, ...second, ...third].map((e) => e.id)
      const got = (await h.received()).filter((e) => ids.includes(e.id))
      expect(got.map((e) => e.id)).toEqual(ids)
    })

    it('publishing nothing succeeds', async () => {
      await run(h.publisher.publish([]))
    })

    it('a refused publish fails with PublishFailed, and a retry then succeeds', async () => {
      const e = event('bkg_2', 'innkeeper.booking.cancelled.v1')
      await h.failNext()
      expect(await failure(h.publisher.publish([e]))).toBeInstanceOf(PublishFailed)
      await h.restore?.()
      await run(h.publisher.publish([e]))
      expect((await h.received()).filter((x) => x.id === e.id).length).toBeGreaterThanOrEqual(1)
    })
  })
