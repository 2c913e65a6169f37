import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Payout } from '../domain/payouts/ledger.js'
import type { Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireRole } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { PageFields, toPageRequest } from './support/page-input.js'

export const ListPayoutsInput = Schema.Struct(PageFields)

/** The calling host's payouts, newest first (pending, paid and failed). */
export class ListPayouts {
  constructor(private readonly deps: Pick<CoreDeps, 'payouts'>) {}
  execute(
    caller: Caller,
    raw: typeof ListPayoutsInput.Encoded = {},
  ): Effect.Effect<Page<Payout>, ValidationFailed | Forbidden> {
    const { payouts } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireRole(caller, 'host')
      const input = yield* decodeInput(ListPayoutsInput, raw)
      return yield* payouts.payoutsOf(userId, toPageRequest(input))
    })
  }
}
