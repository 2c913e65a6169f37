import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Payment } from '../domain/payments/payment.js'
import type { Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { PageFields, toPageRequest } from './support/page-input.js'

export const ListPaymentsInput = Schema.Struct(PageFields)

/** The caller's payments, newest first. */
export class ListPayments {
  constructor(private readonly deps: Pick<CoreDeps, 'payments'>) {}
  execute(
    caller: Caller,
    raw: typeof ListPaymentsInput.Encoded = {},
  ): Effect.Effect<Page<Payment>, ValidationFailed | Forbidden> {
    const { payments } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(ListPaymentsInput, raw)
      return yield* payments.byPayer(userId, toPageRequest(input))
    })
  }
}
