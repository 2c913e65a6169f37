import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { addMs } from '../../core/domain/shared/time.js'
import type { OutboxSource } from '../../ports/events.js'
import { event, run, T0 } from './fixtures.js'

export interface OutboxHarness {
  readonly outbox: OutboxSource
  /** Writes events the way the adapter's repositories do (in the same atomic step as a change). */
  readonly append: (events: readonly DomainEvent[]) => Promise<void>
  readonly cleanup?: () => Promise<void>
}

export const outboxContract = (name: string, make: () => Promise<OutboxHarness>) =>
  describe(`OutboxSource contract: ${name}`, () => {
    let h: OutboxHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('pending returns entries in append order with strictly increasing seq and zero attempts', async () => {
      const events = [event('a'), event('b'), event('a'), event('c')]
      await h.append(events.slice(0, 2))
      await h.append(events.slice(2))
      const pending = await run(h.outbox.pending(100))
      expect(pending.map((e) => e.event.id)).toEqual(events.map((e) => e.id))
      for (let i = 1; i < pending.length; i++) expect(pending[i]!.seq).toBeGreaterThan(pending[i - 1]!.seq)
      expect(pending.every((e) => e.attempts === 0)).toBe(true)
      expect(pending[0]!.event).toEqual(events[0])
    })

    it('pending(limit) returns only the oldest `limit` entries', async () => {
      const events = [event('a'), event('b'), event('c')]
      await h.append(events)
      expect((await run(h.outbox.pending(2))).map((e) => e.event.id)).toEqual([events[0]!.id, events[1]!.id])
    })

    it('markSent removes entries from pending and is idempotent', async () => {
      const events = [event('a'), event('b'), event('c')]
      await h.append(events)
      await run(h.outbox.markSent([events[0]!.id, events[2]!.id]))
      await run(h.outbox.markSent([events[0]!.id, 'evt_unknown']))
      expect((await run(h.outbox.pending(10))).map((e) => e.event.id)).toEqual([events[1]!.id])
    })

    it('markFailed counts an attempt and keeps the entry pending in its place', async () => {
      const events = [event('a'), event('b')]
      await h.append(events)
      await run(h.outbox.markFailed([events[0]!.id]))
      await run(h.outbox.markFailed([events[0]!.id]))
      const pending = await run(h.outbox.pending(10))
      expect(pending.map((e) => [e.event.id, e.attempts])).toEqual([
        [events[0]!.id, 2],
        [events[1]!.id, 0],
      ])
    })

    it('backlog counts the unsent events and gives the time of the oldest, in outbox order', async () => {
      expect(await run(h.outbox.backlog())).toEqual({ pending: 0, oldestAt: null })
      const events = ['a', 'b', 'c', 'd'].map((subject, i) => ({
        ...event(subject),
        time: addMs(T0, i * 60_000),
      }))
      await h.append(events.slice(0, 2))
      await h.append(events.slice(2))
      await run(h.outbox.markFailed([events[0]!.id]))
      expect(await run(h.outbox.backlog())).toEqual({ pending: 4, oldestAt: events[0]!.time })
      await run(h.outbox.markSent([events[0]!.id, events[2]!.id]))
      expect(await run(h.outbox.backlog())).toEqual({ pending: 2, oldestAt: events[1]!.time })
      await run(h.outbox.markSent(events.map((e) => e.id)))
      expect(await run(h.outbox.backlog())).toEqual({ pending: 0, oldestAt: null })
    })

    it('seq keeps increasing after earlier entries were sent', async () => {
      const first = event('a')
      await h.append([first])
      const [e1] = await run(h.outbox.pending(1))
      await run(h.outbox.markSent([first.id]))
      const second = event('a')
      await h.append([second])
      const [e2] = await run(h.outbox.pending(1))
      expect(e2!.event.id).toBe(second.id)
      expect(e2!.seq).toBeGreaterThan(e1!.seq)
    })
  })
