import { Effect } from 'effect'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { netPaid, type Payment } from '../../core/domain/payments/payment.js'

/**
 * Issue 16, item 6: every event carries the state after the change it reports. Installed as the
 * engine's `decorate` hook, this wraps the booking and payment repositories: on each save, every
 * event about the saved entity must agree, field by field, with the entity as written in that same
 * save. A disagreement dies inside the use case, so the property test that drives the engine fails
 * on the command that caused it, naming the event, the field and both values.
 */

const bookingFields = (b: Booking): Record<string, unknown> => ({
  bookingId: b.id,
  listingId: b.listingId,
  guestId: b.guestId,
  hostId: b.hostId,
  state: b.state,
  checkIn: b.stay.checkIn,
  checkOut: b.stay.checkOut,
  guests: b.guests,
  total: b.quote.guestTotal,
  currency: b.quote.currency,
  paidAmount: b.paidAmount,
  refundAmount: b.cancellation?.refundAmount ?? null,
  cancelledBy: b.cancellation?.by ?? null,
  bookingMode: b.bookingMode,
})

const paymentFields = (p: Payment): Record<string, unknown> => ({
  paymentId: p.id,
  bookingId: p.bookingId,
  payerId: p.payerId,
  status: p.status,
  amount: p.amount,
  capturedAmount: p.capturedAmount,
  refundedAmount: p.refundedAmount,
  currency: p.currency,
  failureReason: p.failureReason,
  captureMethod: p.captureMethod,
  purpose: p.purpose,
})

/** Every event carried per checked save, by type: shows the check reached them. */
export const checkedEvents = new Map<string, number>()

const check = (
  kind: string,
  id: string,
  written: Record<string, unknown>,
  events: readonly DomainEvent[],
) => {
  for (const e of events) {
    if (e.subject !== id) continue
    const data = e.data as Record<string, unknown>
    for (const [field, value] of Object.entries(data)) {
      if (!(field in written)) continue
      if (JSON.stringify(written[field]) !== JSON.stringify(value))
        throw new Error(
          `${e.type} for ${kind} ${id}: payload ${field} = ${JSON.stringify(value)}, the ${kind} written with it has ${JSON.stringify(written[field])}`,
        )
    }
    checkedEvents.set(e.type, (checkedEvents.get(e.type) ?? 0) + 1)
  }
}

/** The payment repository, once the engine has built it: for what a booking has netted so far. */
let paymentsRepo: { byBooking(id: Booking['id']): Effect.Effect<readonly Payment[], unknown> } | undefined

/**
 * A booking event's `paidAmount` is what the booking's payments have netted at the moment it is
 * written (a modification's top-up, charged before the change is applied, included).
 */
const checkPaidAmount = (b: Booking, events: readonly DomainEvent[]): Effect.Effect<void, unknown> => {
  const carrying = events.filter((e) => e.subject === b.id && 'paidAmount' in (e.data as object))
  if (carrying.length === 0 || paymentsRepo === undefined) return Effect.void
  return Effect.map(paymentsRepo.byBooking(b.id), (pays) => {
    const net = pays.reduce((sum, p) => sum + netPaid(p), 0)
    for (const e of carrying) {
      const paid = (e.data as { paidAmount: unknown }).paidAmount
      if (paid !== net)
        throw new Error(
          `${e.type} for booking ${b.id}: payload paidAmount = ${String(paid)}, its payments have netted ${net}`,
        )
    }
  })
}

interface Saving<T> {
  save(entity: T, events: readonly DomainEvent[]): Effect.Effect<void, unknown>
}

const checked = <T, R extends Saving<T>>(
  repo: R,
  kind: string,
  fields: (e: T) => Record<string, unknown>,
  id: (e: T) => string,
  extra: (entity: T, events: readonly DomainEvent[]) => Effect.Effect<void, unknown> = () => Effect.void,
): R =>
  new Proxy(repo, {
    get(target, prop, receiver) {
      if (prop !== 'save') {
        const v: unknown = Reflect.get(target, prop, receiver)
        return typeof v === 'function' ? v.bind(target) : v
      }
      return (entity: T, events: readonly DomainEvent[]) =>
        Effect.suspend(() => {
          check(kind, id(entity), fields(entity), events)
          return Effect.andThen(extra(entity, events), target.save(entity, events))
        })
    },
  })

/** The engine's `decorate` option: wraps the booking and payment repositories with the check. */
export const checkEventPayloads = <T extends object>(port: string, adapter: T): T => {
  if (port === 'BookingRepository')
    return checked(
      adapter as unknown as Saving<Booking>,
      'booking',
      bookingFields,
      (b) => b.id,
      checkPaidAmount,
    ) as unknown as T
  if (port === 'PaymentRepository') {
    paymentsRepo = adapter as unknown as typeof paymentsRepo
    return checked(
      adapter as unknown as Saving<Payment>,
      'payment',
      paymentFields,
      (p) => p.id,
    ) as unknown as T
  }
  return adapter
}
