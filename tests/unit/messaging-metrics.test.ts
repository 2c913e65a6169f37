import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { MessagingMetrics } from '../../adapters/amqp/messaging-metrics.js'
import { instant } from '../../core/domain/shared/time.js'

/** The event-flow metrics an operator watches during a broker outage (issue 16, item 3). */
describe('MessagingMetrics', () => {
  const NOW = Date.UTC(2026, 0, 1, 12)
  const sampleOf = (text: string, line: string): number | undefined => {
    const hit = text.split('\n').find((l) => l.startsWith(`${line} `))
    return hit === undefined ? undefined : Number(hit.slice(line.length + 1))
  }

  it('reads the outbox backlog and the age of its oldest event at scrape time', async () => {
    const registry = new Registry()
    let backlog = { pending: 7, oldestAt: instant(NOW - 30_000) as ReturnType<typeof instant> | null }
    new MessagingMetrics(registry, { backlog: async () => backlog, now: () => NOW })
    let text = await registry.metrics()
    expect(sampleOf(text, 'innkeeper_outbox_backlog')).toBe(7)
    expect(sampleOf(text, 'innkeeper_outbox_oldest_pending_age_seconds')).toBe(30)
    backlog = { pending: 0, oldestAt: null }
    text = await registry.metrics()
    expect(sampleOf(text, 'innkeeper_outbox_backlog')).toBe(0)
    expect(sampleOf(text, 'innkeeper_outbox_oldest_pending_age_seconds')).toBe(0)
  })

  it('keeps the last backlog figures when the store cannot be read', async () => {
    const registry = new Registry()
    let fail = false
    new MessagingMetrics(registry, {
      backlog: async () => {
        if (fail) throw new Error('store unreachable')
        return { pending: 3, oldestAt: instant(NOW - 5_000) }
      },
      now: () => NOW,
    })
    await registry.metrics()
    fail = true
    const text = await registry.metrics()
    expect(sampleOf(text, 'innkeeper_outbox_backlog')).toBe(3)
  })

  it('counts relayed and failed events, broker disconnects and consumer outcomes', async () => {
    const registry = new Registry()
    const m = new MessagingMetrics(registry)
    m.observeConnection({ state: 'connected' })
    m.observeRelay({ published: 50, failed: 0 })
    m.observeConnection({ state: 'down', reason: 'CONNECTION_RESET' })
    m.observeRelay({ published: 0, failed: 50 })
    m.observeRelay({ published: 0, failed: 50 })
    let text = await registry.metrics()
    expect(sampleOf(text, 'innkeeper_broker_connected')).toBe(0)
    expect(sampleOf(text, 'innkeeper_broker_disconnects_total')).toBe(1)
    expect(sampleOf(text, 'innkeeper_outbox_relayed_events_total{result="published"}')).toBe(50)
    expect(sampleOf(text, 'innkeeper_outbox_relayed_events_total{result="failed"}')).toBe(100)
    m.observeConnection({ state: 'up', downForMs: 4_000 })
    m.observeOutcome('q', { kind: 'handled', id: 'evt_1', attempt: 1 })
    m.observeOutcome('q', { kind: 'duplicate', id: 'evt_1' })
    m.observeOutcome('q', { kind: 'dead-lettered', id: 'evt_2', reason: 'malformed' })
    text = await registry.metrics()
    expect(sampleOf(text, 'innkeeper_broker_connected')).toBe(1)
    expect(sampleOf(text, 'innkeeper_consumer_messages_total{queue="q",outcome="duplicate"}')).toBe(1)
    expect(sampleOf(text, 'innkeeper_consumer_messages_total{queue="q",outcome="dead-lettered"}')).toBe(1)
  })
})
