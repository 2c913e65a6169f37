import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { degradationSink } from '../../apps/api/degradation.js'
import { startApiServer } from '../../apps/api/server.js'
import type { TickReport } from '../../apps/composition/engine.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { activeListing, makeWorld, T0 } from '../integration/engine-fixtures.js'
import { testApiConfig } from './support/api.js'

/**
 * Issue 16 item 3, the API's side: when the API process relays its own outbox (in memory), each
 * background turn's relay result reaches its /metrics (`innkeeper_outbox_relayed_events_total`),
 * beside the backlog the degradation sink reads at scrape.
 */
describe('the API relay feeds the event-flow metrics', () => {
  it('a background turn reports the events it published; the sink counts them and the backlog drops to 0', async () => {
    const config = testApiConfig({ PORT: '0', LOG_LEVEL: 'silent', INNKEEPER_SEED: 'false' })
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024 })
    const reports: TickReport[] = []
    const api = await startApiServer({
      config,
      engine,
      background: false,
      onTick: (r) => reports.push(r),
      logger: pino({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() })),
    })
    try {
      const sink = degradationSink(api.logger, api.metrics.registry, () =>
        engine.run(engine.deps.outbox.backlog()),
      )
      const w = await makeWorld(engine)
      await activeListing(w)
      const pending = engine.adapters.outbox.pendingEvents().length
      expect(pending).toBeGreaterThan(0)
      await api.tick()
      expect(reports.map((r) => [r.relayed, r.relayFailed])).toEqual([[pending, 0]])
      for (const r of reports) sink.relayed({ published: r.relayed, failed: r.relayFailed })
      const text = await api.metrics.registry.metrics()
      expect(text).toContain(`innkeeper_outbox_relayed_events_total{result="published"} ${pending}`)
      expect(text).toContain('innkeeper_outbox_backlog 0')
    } finally {
      await api.close()
    }
  })
})
