import { Effect, Schema } from 'effect'
import { AutoConfirmNotAllowed, type ValidationFailed } from '../domain/shared/errors.js'
import type { BookingId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Checkout, StartPayment } from './start-payment.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'

export const CheckoutBookingInput = Schema.Struct({
  autoConfirm: Schema.optionalKey(
    Schema.Boolean.annotate({
      description: 'Development mode only: complete the in-memory payment at once (refused in production)',
    }),
  ),
})
export type CheckoutBookingInput = typeof CheckoutBookingInput.Type

/** A refused body or `auto_confirm`, or whatever StartPayment refuses. */
export type CheckoutBookingError =
  | ValidationFailed
  | AutoConfirmNotAllowed
  | Effect.Error<ReturnType<StartPayment['execute']>>

/**
 * The guest checks out a pending booking: the body is decoded (unknown fields refused), a payment is
 * started (StartPayment) and the booking, the payment and the client secret the payer's client
 * confirms with are returned. `auto_confirm` (the server playing the payer) is refused here: only
 * a development composition root installs it, by wrapping this use case.
 */
export class CheckoutBooking {
  private readonly startPayment: StartPayment

  constructor(
    deps: Pick<CoreDeps, 'bookings' | 'payments' | 'gateway' | 'clock' | 'ids' | 'settings' | 'users'>,
  ) {
    this.startPayment = new StartPayment(deps)
  }

  execute(
    caller: Caller,
    bookingId: BookingId,
    raw: unknown = {},
    requestKey?: string,
  ): Effect.Effect<Checkout, CheckoutBookingError> {
    const { startPayment } = this
    return Effect.flatMap(
      decodeInput(CheckoutBookingInput, raw),
      (input): Effect.Effect<Checkout, CheckoutBookingError> =>
        input.autoConfirm === true
          ? Effect.fail(new AutoConfirmNotAllowed())
          : startPayment.execute(caller, bookingId, requestKey),
    )
  }
}
