import { Effect, Option } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, PaymentId, UserId } from '../../core/domain/shared/ids.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { PaymentRepository } from '../../ports/repositories.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { bucket, indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

const refKey = (provider: string, providerRef: string): string => `${provider}\u0000${providerRef}`

export class InMemoryPaymentRepository implements PaymentRepository {
  private readonly payments = new Map<string, Payment>()
  private readonly byRef = new Map<string, string>()
  private readonly byBookingIndex = new Map<string, Set<string>>()
  private readonly byPayerIndex = new Map<string, SortedIndex>()

  constructor(private readonly outbox: InMemoryOutbox) {}

  byId(id: PaymentId): Effect.Effect<Option.Option<Payment>> {
    return Effect.sync(() => Option.fromNullishOr(this.payments.get(id)))
  }

  byProviderRef(provider: string, providerRef: string): Effect.Effect<Option.Option<Payment>> {
    return Effect.sync(() => {
      const id = this.byRef.get(refKey(provider, providerRef))
      return Option.fromNullishOr(id === undefined ? undefined : this.payments.get(id))
    })
  }

  byBooking(bookingId: BookingId): Effect.Effect<readonly Payment[]> {
    return Effect.sync(() => {
      const out: Payment[] = []
      for (const id of this.byBookingIndex.get(bookingId) ?? []) {
        const p = this.payments.get(id)
        if (p !== undefined) out.push(p)
      }
      return out.sort((a, b) =>
        a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.id < b.id ? -1 : 1,
      )
    })
  }

  byPayer(payerId: UserId, page: PageRequest): Effect.Effect<Page<Payment>> {
    return Effect.sync(() => pageOf(this.byPayerIndex.get(payerId), page, (id) => this.payments.get(id)))
  }

  save(payment: Payment, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      const stored = this.payments.get(payment.id)
      if (!versionFits(stored, payment.version))
        return Effect.fail(new ConcurrentModification({ entity: 'payment', id: payment.id }))
      const copy = snapshot(payment)
      if (stored !== undefined) {
        const oldRef = refKey(stored.provider, stored.providerRef)
        if (oldRef !== refKey(payment.provider, payment.providerRef)) this.byRef.delete(oldRef)
        if (stored.bookingId !== payment.bookingId)
          this.byBookingIndex.get(stored.bookingId)?.delete(payment.id)
        if (stored.payerId !== payment.payerId) this.byPayerIndex.get(stored.payerId)?.remove(payment.id)
      }
      this.payments.set(payment.id, copy)
      if (payment.providerRef !== '')
        this.byRef.set(refKey(payment.provider, payment.providerRef), payment.id)
      bucket(this.byBookingIndex, payment.bookingId).add(payment.id)
      indexFor(this.byPayerIndex, payment.payerId).upsert(payment.id, payment.createdAt)
      this.outbox.append(events)
      return Effect.void
    })
  }
}
