import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Payment } from '../payments/payment.js'
import { type Forbidden, PaymentNotFound, type ValidationFailed } from '../shared/errors.js'
import type { PaymentId } from '../shared/ids.js'
import { decodeInput } from '../shared/validation.js'
import { type Caller, isAdmin, requireUser } from './caller.js'
import type { CoreDeps } from './deps.js'
import { findPayment } from './load.js'
import { PageFields, toPageRequest } from './page-input.js'

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

export const ListPaymentsInput = Schema.Struct(PageFields)

/** The caller's payments, newest first. */
export class ListPayments {
  constructor(private readonly deps: Pick<CoreDeps, 'payments'>) {}
  execute(caller: Caller, raw: unknown): Effect.Effect<Page<Payment>, ValidationFailed | Forbidden> {
    const { payments } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(ListPaymentsInput, raw ?? {})
      return yield* payments.byPayer(userId, toPageRequest(input))
    })
  }
}
