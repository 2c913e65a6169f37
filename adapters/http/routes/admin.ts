import { Effect, Schema } from 'effect'
import { HostReportInput } from '../../../core/application/get-host-report.js'
import { PageInput } from '../../../core/application/support/page-input.js'
import { BoundedString, NonBlank } from '../../../core/application/support/schemas.js'
import { SuspensionTerms } from '../../../core/application/suspend-user.js'
import { defineRoute, type Route } from '../route.js'
import { HostReportView, hostReportView, MeView, meView, PageOf, ReviewView, reviewView } from '../views.js'
import { bodyAs, IdParams, ok, type RouteDeps } from './common.js'

const ReasonInput = Schema.Struct({ reason: Schema.optionalKey(BoundedString(500, 'multi_line')) })
const ResponseInput = Schema.Struct({ comment: NonBlank(2000, 'multi_line') })

/** Host reports, review responses, and the admin's tools. */
export const adminRoutes = (deps: RouteDeps): Route[] => {
  const { useCases: uc } = deps
  return [
    defineRoute<IdParams>({
      method: 'post',
      path: '/reviews/{id}/response',
      operationId: 'respondToReview',
      summary: "Host: answer a guest's review of your listing, once",
      tags: ['reviews'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      body: ResponseInput,
      success: { status: 201, description: 'The review with your response', schema: ReviewView },
      errors: [403, 404, 409],
      handle: ({ caller, params, body, userId }) =>
        Effect.map(
          uc.respondToReview.execute(caller, { ...bodyAs(ResponseInput, body), reviewId: params.id }),
          (r) => ok(reviewView(r, userId)),
        ),
    }),
    defineRoute<Record<string, never>, typeof HostReportInput.Type>({
      method: 'get',
      path: '/host/reports',
      operationId: 'hostReport',
      summary: 'Bookings, occupancy, revenue and payouts per listing for a period',
      tags: ['host'],
      auth: 'user',
      roles: ['host'],
      query: HostReportInput,
      success: { status: 200, description: 'The report', schema: HostReportView },
      errors: [403, 404],
      handle: ({ caller, query }) =>
        Effect.map(uc.hostReport.execute(caller, query), (r) => ok(hostReportView(r))),
    }),
    defineRoute<Record<string, never>, typeof PageInput.Type>({
      method: 'get',
      path: '/admin/users',
      operationId: 'listUsers',
      summary: 'Admin: every account, newest first',
      tags: ['admin'],
      auth: 'user',
      roles: ['admin'],
      query: PageInput,
      success: { status: 200, description: 'A page of accounts', schema: PageOf(MeView) },
      errors: [403],
      handle: ({ caller, query }) =>
        Effect.map(uc.listUsers.execute(caller, query), (p) =>
          ok({ items: p.items.map(meView), nextCursor: p.nextCursor }),
        ),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/admin/users/{id}/suspend',
      operationId: 'suspendUser',
      summary: 'Admin: suspend an account (its sessions are revoked)',
      description:
        "Every write by the account is refused at once (403 `user_suspended`) and its refresh tokens stop working. Its listings leave search and refuse quotes and bookings (409 `host_suspended`). `upcoming_bookings`: `keep` (default) leaves the host's bookings that have not started as they are; `cancel` cancels each as an admin cancellation: the guest is refunded everything paid and notified.",
      tags: ['admin'],
      auth: 'user',
      roles: ['admin'],
      params: IdParams,
      body: SuspensionTerms,
      bodyOptional: true,
      success: { status: 200, description: 'The suspended account', schema: MeView },
      errors: [403, 404, 409],
      handle: ({ caller, params, body }) =>
        Effect.map(uc.suspendUser.execute(caller, { ...(body as object), userId: params.id }), (u) =>
          ok(meView(u)),
        ),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/admin/users/{id}/reinstate',
      operationId: 'reinstateUser',
      summary: 'Admin: reinstate a suspended account',
      tags: ['admin'],
      auth: 'user',
      roles: ['admin'],
      params: IdParams,
      body: ReasonInput,
      bodyOptional: true,
      success: { status: 200, description: 'The active account', schema: MeView },
      errors: [403, 404, 409],
      handle: ({ caller, params, body }) =>
        Effect.map(uc.reinstateUser.execute(caller, { ...(body as object), userId: params.id }), (u) =>
          ok(meView(u)),
        ),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/admin/reviews/{id}/hide',
      operationId: 'hideReview',
      summary: 'Admin: hide a review from everyone (it leaves the rating)',
      tags: ['admin'],
      auth: 'user',
      roles: ['admin'],
      params: IdParams,
      body: ReasonInput,
      bodyOptional: true,
      success: { status: 200, description: 'The hidden review', schema: ReviewView },
      errors: [403, 404, 409],
      handle: ({ caller, params, body, userId }) =>
        Effect.map(uc.hideReview.execute(caller, { ...(body as object), reviewId: params.id }), (r) =>
          ok(reviewView(r, userId)),
        ),
    }),
  ]
}
