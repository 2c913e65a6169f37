import { Effect } from 'effect'
import { type CheckoutBooking, CheckoutBookingInput } from '../../core/application/checkout-booking.js'
import type { GetBooking } from '../../core/application/get-booking.js'
import type { GetPayment } from '../../core/application/get-payment.js'
import type { Caller } from '../../core/application/support/caller.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import type { PaymentDeclined, PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import type { BookingId } from '../../core/domain/shared/ids.js'
import { decodeInput } from '../../core/domain/shared/validation.js'
import type { InMemoryEngine } from '../composition/in-memory-engine.js'
import { confirmsForDevelopment } from '../composition/payments.js'

/** Completes a payment as the payer would (development only). */
export type DevelopmentPayer = (
  payment: Payment,
) => Effect.Effect<void, PaymentDeclined | PaymentProviderUnavailable>

/**
 * The payer's side, through the engine's own gateway: the in-memory provider confirms and delivers
 * its webhook at once, so the booking is confirmed in the same call; Stripe confirms the
 * PaymentIntent with the test card `pm_card_visa`, and its webhook brings the booking along.
 * Undefined when the gateway can do neither.
 */
export const developmentPayer = (engine: InMemoryEngine): DevelopmentPayer | undefined => {
  const bound = engine.gateway
  if (confirmsForDevelopment(bound))
    return (payment) => Effect.asVoid(bound.confirmForDevelopment(payment.providerRef))
  if (bound === engine.adapters.gateway)
    return (payment) =>
      Effect.promise(async () => {
        engine.adapters.gateway.confirmPayment(payment.providerRef, 'succeed')
        await engine.deliverPaymentEvents()
      })
  return undefined
}

/**
 * `auto_confirm` in development: wraps CheckoutBooking (which refuses the flag) so that a checkout
 * asking for it starts the payment, completes it as the payer, and returns the booking and payment
 * as they are afterwards. Installed by the API's composition root in development mode only.
 */
export class AutoConfirmingCheckout implements Pick<CheckoutBooking, 'execute'> {
  constructor(
    private readonly checkout: Pick<CheckoutBooking, 'execute'>,
    private readonly payer: DevelopmentPayer,
    private readonly getBooking: GetBooking,
    private readonly getPayment: GetPayment,
  ) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
    raw: typeof CheckoutBookingInput.Encoded = {},
    requestKey?: string,
  ): ReturnType<CheckoutBooking['execute']> {
    const { checkout, payer, getBooking, getPayment } = this
    return Effect.gen(function* () {
      const input = yield* decodeInput(CheckoutBookingInput, raw)
      if (input.autoConfirm !== true) return yield* checkout.execute(caller, bookingId, input, requestKey)
      const started = yield* checkout.execute(caller, bookingId, {}, requestKey)
      // A keyed retry of a checkout that went through gets its payment back: nothing left to pay.
      if (started.payment.status === 'requires_payment') yield* payer(started.payment)
      return {
        booking: yield* getBooking.execute(caller, started.booking.id),
        // The caller's own payment, just made: not finding it would be a bug, not a client's error.
        payment: yield* Effect.orDie(getPayment.execute(caller, started.payment.id)),
        clientSecret: started.clientSecret,
      }
    })
  }
}

/** The engine's checkout, wrapped with `auto_confirm` when its gateway can play the payer. */
export const developmentCheckout = (engine: InMemoryEngine): Pick<CheckoutBooking, 'execute'> => {
  const payer = developmentPayer(engine)
  const uc = engine.useCases
  return payer === undefined
    ? uc.checkoutBooking
    : new AutoConfirmingCheckout(uc.checkoutBooking, payer, uc.getBooking, uc.getPayment)
}
