import { Effect, Option, Schema } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import type { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, PaymentId, UserId } from '../../core/domain/shared/ids.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { PaymentRepository } from '../../ports/repositories.js'
import { Aggregates, currentDocument, stateText } from './aggregates.js'
import type { Collections } from './collections.js'
import { asPayment, PaymentState } from './entity-schemas.js'
import type { RevisionLog } from './revisions.js'
import { SCHEMA_VERSION } from './support.js'

const PaymentDocument = currentDocument({
  b: Schema.String,
  pp: Schema.String,
  c: Schema.Finite,
  pv: Schema.String,
  pr: Schema.String,
})

/** Payments: each is an aggregate of the revision log; queries read the current documents. */
export class MongoPaymentRepository implements PaymentRepository {
  private readonly store: Aggregates<Payment, typeof PaymentState.Type, typeof PaymentDocument>

  constructor(log: RevisionLog, collections: Collections) {
    this.store = new Aggregates(log, collections, {
      kind: 'payment',
      entity: 'payment',
      collection: 'payments',
      state: PaymentState,
      schema: PaymentDocument,
      entityOf: asPayment,
      idOf: (p) => p.id,
      versionOf: (p) => p.version,
      documentOf: (p, seq) => ({
        _id: p.id,
        sv: SCHEMA_VERSION,
        v: p.version,
        seq,
        s: stateText(p),
        b: p.bookingId,
        pp: p.payerId,
        c: p.createdAt,
        pv: p.provider,
        pr: p.providerRef,
      }),
    })
  }

  byId(id: PaymentId): Effect.Effect<Option.Option<Payment>> {
    return this.store.byId(id)
  }

  byProviderRef(provider: string, providerRef: string): Effect.Effect<Option.Option<Payment>> {
    return this.store
      .find({ pv: { $eq: String(provider) }, pr: { $eq: String(providerRef) } }, { c: 1, _id: 1 }, 1)
      .pipe(Effect.map((found) => Option.fromNullishOr(found[0])))
  }

  byBooking(bookingId: BookingId): Effect.Effect<readonly Payment[]> {
    return this.store.find({ b: { $eq: String(bookingId) } }, { c: 1, _id: 1 })
  }

  byPayer(payerId: UserId, page: PageRequest): Effect.Effect<Page<Payment>> {
    return this.store.page({ pp: { $eq: String(payerId) } }, 'c', page)
  }

  save(payment: Payment, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return this.store.save(payment, events)
  }
}
