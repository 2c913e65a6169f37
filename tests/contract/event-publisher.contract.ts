import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DomainEvent } from '../../core/events/events.js'
import { type EventPublisher, PublishFailed } from '../../ports/events.js'
import { event, failure, run } from './fixtures.js'

export interface EventPublisherHarness {
  readonly publisher: EventPublisher
  /** Everything consumers received so far, in order (waits for delivery where that is asynchronous). */
  readonly received: () => Promise<readonly DomainEvent[]>
  /** Makes the next publish fail (the broker refuses). */
  readonly failNext: () => void
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

    it('publishing nothing succeeds', async () => {
      await run(h.publisher.publish([]))
    })

    it('a refused publish fails with PublishFailed, and a retry then succeeds', async () => {
      const e = event('bkg_2', 'innkeeper.booking.cancelled.v1')
      h.failNext()
      expect(await failure(h.publisher.publish([e]))).toBeInstanceOf(PublishFailed)
      await run(h.publisher.publish([e]))
      expect((await h.received()).filter((x) => x.id === e.id).length).toBeGreaterThanOrEqual(1)
    })
  })
