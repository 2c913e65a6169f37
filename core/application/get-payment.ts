import { Effect } from 'effect'
import type { Payment } from '../domain/payments/payment.js'
import { PaymentNotFound } from '../domain/shared/errors.js'
import type { PaymentId } from '../domain/shared/ids.js'
import { type Caller, isAdmin } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findPayment } from './support/load.js'

/** A payment, for its payer or an admin; anyone else gets PaymentNotFound. */
export class GetPayment {
  constructor(private readonly deps: Pick<CoreDeps, 'payments'>) {}
  execute(caller: Caller, id: PaymentId): Effect.Effect<Payment, PaymentNotFound> {
    return Effect.flatMap(findPayment(this.deps.payments, id), (p) =>
      isAdmin(caller) || (caller.kind === 'user' && caller.userId === p.payerId)
        ? Effect.succeed(p)
        : Effect.fail(new PaymentNotFound({ paymentId: id })),
    )
  }
}
