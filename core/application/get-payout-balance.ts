import { Effect, Option } from 'effect'
import { type Balance, balanceOf } from '../domain/payouts/ledger.js'
import type { Forbidden } from '../domain/shared/errors.js'
import type { Instant } from '../domain/shared/time.js'
import { type Caller, requireRole } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'

export interface PayoutBalances {
  /** One line per currency the host has earned in, by code. */
  readonly balances: readonly Balance[]
  /** Where payouts go; null until the host sets it on their profile. */
  readonly payoutAccountId: string | null
  /** When the next payout run looks at the host's accounts; null when nothing waits. */
  readonly nextPayoutAt: Instant | null
}

/** The calling host's balances: available, upcoming, in transit and paid out, per currency. */
export class GetPayoutBalance {
  constructor(private readonly deps: Pick<CoreDeps, 'payouts' | 'users' | 'clock'>) {}
  execute(caller: Caller): Effect.Effect<PayoutBalances, Forbidden> {
    const { payouts, users, clock } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireRole(caller, 'host')
      const now = clock.now()
      const accounts = yield* payouts.accountsOf(userId)
      const pending = yield* payouts.pendingOf(userId)
      const balances: Balance[] = []
      let nextPayoutAt: Instant | null = null
      for (const a of accounts) {
        const entries = yield* payouts.entries(userId, a.currency)
        balances.push(balanceOf(a.currency, entries, pending, now))
        if (a.dueAt !== null && (nextPayoutAt === null || a.dueAt < nextPayoutAt)) nextPayoutAt = a.dueAt
      }
      const user = yield* users.byId(userId)
      return {
        balances,
        payoutAccountId: Option.isSome(user) ? (user.value.profile.payoutAccountId ?? null) : null,
        nextPayoutAt,
      }
    })
  }
}
