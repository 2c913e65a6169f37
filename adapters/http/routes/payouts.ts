import { Effect } from 'effect'
import { PageInput } from '../../../core/application/support/page-input.js'
import { defineRoute, type Route } from '../route.js'
import { PageOf, PayoutBalancesView, PayoutView, payoutBalancesView, payoutView } from '../views.js'
import { ok, type RouteDeps } from './common.js'

export const payoutRoutes = (deps: RouteDeps): Route[] => {
  const uc = deps.useCases
  return [
    defineRoute<Record<string, never>, typeof PageInput.Type>({
      method: 'get',
      path: '/payouts',
      operationId: 'listPayouts',
      summary: 'Your payouts as a host, newest first',
      description:
        'A payout sends the whole payable balance of one currency to the payout account on your profile (`payout_account_id`). Earnings become payable 24 h after check-in; refunds made after a payout are netted against the next ones.',
      tags: ['host'],
      auth: 'user',
      roles: ['host'],
      query: PageInput,
      success: { status: 200, description: 'A page of payouts', schema: PageOf(PayoutView) },
      errors: [403],
      handle: ({ caller, query }) =>
        Effect.map(uc.listPayouts.execute(caller, query), (p) =>
          ok({ items: p.items.map(payoutView), nextCursor: p.nextCursor }),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/payouts/balance',
      operationId: 'getPayoutBalance',
      summary: 'Your balances as a host, per currency',
      description:
        '`available` is payable now and goes out with the next payout; it is negative when refunds after a payout took back more than was left, and is then netted against later earnings.',
      tags: ['host'],
      auth: 'user',
      roles: ['host'],
      success: { status: 200, description: 'Your balances', schema: PayoutBalancesView },
      errors: [403],
      handle: ({ caller }) =>
        Effect.map(uc.getPayoutBalance.execute(caller), (b) => ok(payoutBalancesView(b))),
    }),
  ]
}
