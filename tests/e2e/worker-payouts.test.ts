import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { loadWorkerConfig } from '../../apps/worker/config.js'
import { payoutsConsumer } from '../../apps/worker/consumers.js'
import { startWorker } from '../../apps/worker/worker.js'
import { earningTypes } from '../../core/application/record-earnings.js'
import { HOUR } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, makeWorld, T0 } from '../integration/engine-fixtures.js'

/** The payout side of the worker: the ledger consumer and the payout loop, run by several workers at once. */
describe('worker: host payouts', () => {
  it('the payouts consumer records earnings from booking events; two payout loops pay each payout once', async () => {
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024 })
    const { adapters, useCases } = engine
    const w = await makeWorld(engine)
    await engine.run(useCases.updateProfile.execute(w.host, { payoutAccountId: 'acct_1WorkerHost' }))
    const stays = []
    for (let i = 0; i < 3; i++) {
      const l = await activeListing(w)
      stays.push(await bookAndPay(w, l.id, { checkIn: '2026-03-10', checkOut: '2026-03-12' }))
    }

    // The consumer, on the events still in the outbox (the relay has not run): delivered twice.
    const consumer = payoutsConsumer(useCases)
    expect(consumer.bindings).toEqual(earningTypes)
    const confirmed = adapters.outbox
      .pendingEvents()
      .filter((e) => e.type === 'innkeeper.booking.confirmed.v1')
    expect(confirmed).toHaveLength(3)
    for (const e of [...confirmed, ...confirmed]) await consumer.handle(e)
    const entries = adapters.payoutLedger.allEntries()
    expect(entries.map((e) => e.kind)).toEqual(['earning', 'earning', 'earning'])

    adapters.clock.set(stays[0]!.points.checkInAt! + 24 * HOUR)
    const a = startWorker({ useCases, payouts: { intervalMs: 60_000 } })
    const b = startWorker({ useCases, payouts: { intervalMs: 60_000 } })
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()])
    await Promise.all([a.close(), b.close()])
    const total = stays.reduce((s, x) => s + x.quote.hostPayout, 0)
    expect(adapters.payoutLedger.allPayouts()).toEqual([
      expect.objectContaining({ amount: total, status: 'paid' }),
    ])
    expect(adapters.payoutGateway.transfers()).toHaveLength(1)
    expect(a.stats().payoutsPaid + b.stats().payoutsPaid).toBe(1)
    expect(await Effect.runPromise(useCases.runDuePayouts.execute({ limit: 10 }))).toMatchObject({
      created: 0,
    })
  })

  it('the standalone worker refuses the payouts consumer: the ledger lives with the repositories', () => {
    const r = loadWorkerConfig({
      INNKEEPER_EVENTS: 'amqp',
      INNKEEPER_CACHE: 'redis',
      INNKEEPER_WORKER_CONSUMERS: 'payouts',
    })
    expect(r._tag).toBe('Failure')
    expect(r._tag === 'Failure' && r.failure.join()).toMatch(/payouts consumer/)
  })
})
