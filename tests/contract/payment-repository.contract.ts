import { Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import { asId } from '../../core/domain/shared/ids.js'
import type { OutboxSource } from '../../ports/events.js'
import type { PaymentRepository } from '../../ports/repositories.js'
import { at, collectPages, event, failure, makePayment, run } from './fixtures.js'

export interface PaymentRepositoryHarness {
  readonly repo: PaymentRepository
  readonly outbox: OutboxSource
  readonly cleanup?: () => Promise<void>
}

export const paymentRepositoryContract = (name: string, make: () => Promise<PaymentRepositoryHarness>) =>
  describe(`PaymentRepository contract: ${name}`, () => {
    let h: PaymentRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('round trip: found by id and by (provider, providerRef)', async () => {
      const p = makePayment('pay_a', { providerRef: 'pi_123' })
      await run(h.repo.save(p, []))
      expect(Option.getOrThrow(await run(h.repo.byId(p.id)))).toEqual(p)
      expect(Option.getOrThrow(await run(h.repo.byProviderRef('memory', 'pi_123')))).toEqual(p)
      expect(Option.isNone(await run(h.repo.byProviderRef('stripe', 'pi_123')))).toBe(true)
      expect(Option.isNone(await run(h.repo.byId(asId('payment', 'pay_none'))))).toBe(true)
    })

    it('optimistic concurrency: only version n over n−1 is accepted, and a failure changes nothing', async () => {
      const p = makePayment('pay_a')
      await run(h.repo.save(p, []))
      expect(await failure(h.repo.save(p, []))).toBeInstanceOf(ConcurrentModification)
      await run(h.repo.save({ ...p, status: 'captured', capturedAmount: p.amount, version: 2 }, []))
      expect(await failure(h.repo.save({ ...p, status: 'failed', version: 2 }, []))).toBeInstanceOf(
        ConcurrentModification,
      )
      expect(Option.getOrThrow(await run(h.repo.byId(p.id))).status).toBe('captured')
    })

    it('events are in the outbox with the save, and not when the save fails', async () => {
      const p = makePayment('pay_a')
      const ok = event(p.id, 'innkeeper.payment.created.v1')
      const bad = event(p.id, 'innkeeper.payment.failed.v1')
      await run(h.repo.save(p, [ok]))
      await failure(h.repo.save(p, [bad]))
      const ids = (await run(h.outbox.pending(10_000))).map((e) => e.event.id)
      expect(ids).toContain(ok.id)
      expect(ids).not.toContain(bad.id)
    })

    it('byBooking returns every payment of the booking', async () => {
      const b = asId('booking', 'bkg_z')
      await run(h.repo.save(makePayment('pay_1', { bookingId: b }), []))
      await run(
        h.repo.save(makePayment('pay_2', { bookingId: b, purpose: 'modification', createdAt: at(5) }), []),
      )
      await run(h.repo.save(makePayment('pay_3'), []))
      expect((await run(h.repo.byBooking(b))).map((p) => p.id).sort()).toEqual(['pay_1', 'pay_2'])
      expect(await run(h.repo.byBooking(asId('booking', 'bkg_none')))).toEqual([])
    })

    it('byPayer pages newest first, covering every payment exactly once', async () => {
      const payer = asId('user', 'usr_payer')
      const ps = Array.from({ length: 9 }, (_, i) =>
        makePayment(`pay_${i}`, { payerId: payer, createdAt: at(i % 3) }),
      )
      for (const p of ps) await run(h.repo.save(p, []))
      await run(h.repo.save(makePayment('pay_other'), []))
      const all = await collectPages((cursor) => run(h.repo.byPayer(payer, { limit: 2, cursor })))
      expect(all.map((p) => p.id).sort()).toEqual(ps.map((p) => p.id).sort())
      for (let i = 1; i < all.length; i++)
        expect(all[i - 1]!.createdAt).toBeGreaterThanOrEqual(all[i]!.createdAt)
    })
  })
