import { Effect, Schema } from 'effect'
import { PageInput } from '../../../core/application/support/page-input.js'
import { Id } from '../../../core/application/support/schemas.js'
import type { PaymentId } from '../../../core/domain/shared/ids.js'
import { HttpProblem } from '../problem.js'
import { defineRoute, type Route } from '../route.js'
import { PageOf, PaymentView, paymentView } from '../views.js'
import { IdParams, ok, type RouteDeps } from './common.js'

const ProviderParams = Schema.Struct({ provider: Id(32) })

export const paymentRoutes = (deps: RouteDeps): Route[] => {
  const uc = deps.useCases
  return [
    defineRoute<Record<string, never>, typeof PageInput.Type>({
      method: 'get',
      path: '/payments',
      operationId: 'listPayments',
      summary: 'Your payments, newest first',
      tags: ['payments'],
      auth: 'user',
      query: PageInput,
      success: { status: 200, description: 'A page of payments', schema: PageOf(PaymentView) },
      errors: [],
      handle: ({ caller, query }) =>
        Effect.map(uc.listPayments.execute(caller, query), (p) =>
          ok({ items: p.items.map(paymentView), nextCursor: p.nextCursor }),
        ),
    }),
    defineRoute<IdParams>({
      method: 'get',
      path: '/payments/{id}',
      operationId: 'getPayment',
      summary: 'One of your payments',
      tags: ['payments'],
      auth: 'user',
      params: IdParams,
      success: { status: 200, description: 'The payment', schema: PaymentView },
      errors: [404],
      handle: ({ caller, params }) =>
        Effect.map(uc.getPayment.execute(caller, params.id as PaymentId), (p) => ok(paymentView(p))),
    }),
    defineRoute<typeof ProviderParams.Type>({
      method: 'post',
      path: '/webhooks/payments/{provider}',
      operationId: 'paymentWebhook',
      summary: "The payment provider's events (signature verified on the raw body)",
      description:
        'Duplicates and out-of-order deliveries converge to the same state. Events about payments that are not ours, and event types the engine does not use, are acknowledged and ignored. A 503 (the provider unreachable while the event is applied) asks the provider to deliver again.',
      tags: ['payments'],
      auth: 'public',
      params: ProviderParams,
      requestHeaders: [
        { name: 'Stripe-Signature', description: "Stripe's signature of the raw body (provider `stripe`)" },
        {
          name: 'Innkeeper-Signature',
          description: 'The in-memory provider’s signature of the raw body, when Stripe-Signature is absent',
        },
      ],
      rawBody: true,
      success: {
        status: 200,
        description: 'Applied, duplicate or ignored',
        schema: Schema.Struct({
          received: Schema.Boolean,
          outcome: Schema.Literals(['applied', 'duplicate', 'unknown_payment', 'ignored']),
        }),
      },
      errors: [404, 503],
      handle: ({ params, rawBody, header }) =>
        Effect.gen(function* () {
          if (!deps.paymentProviders.includes(params.provider))
            return yield* Effect.fail(
              new HttpProblem(
                404,
                'unknown_provider',
                'Unknown payment provider',
                `No provider "${params.provider}"`,
              ),
            )
          const signature = header('stripe-signature') ?? header('innkeeper-signature') ?? ''
          const outcome = yield* uc.applyPaymentEvent.execute({ rawBody, signature })
          return ok({ received: true, outcome: outcome.kind })
        }),
    }),
  ]
}
