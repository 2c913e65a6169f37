import type { Effect, Schema } from 'effect'
import type { Caller } from '../../core/application/support/caller.js'

/** Who may call a route: anyone, any signed-in user, or anyone with an optional identity. */
export type AuthMode = 'public' | 'user' | 'optional'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** What a handler gets: decoded path and query, the body with camelCase keys (the core decodes it). */
export interface RequestContext<P, Q> {
  /** The signed-in user, or the anonymous caller on public routes. */
  readonly caller: Caller
  readonly userId: string | null
  readonly params: P
  readonly query: Q
  readonly body: unknown
  /** The body exactly as received (webhook signatures cover these bytes). */
  readonly rawBody: string
  readonly header: (name: string) => string | undefined
  readonly requestId: string
  /** The client's address (from X-Forwarded-For only when the proxy is trusted). */
  readonly ip: string
  /**
   * The request's valid `Idempotency-Key` on routes that honour one, for use cases that remember
   * it (a retry whose stored answer was lost still reaches what the first attempt did).
   */
  readonly requestKey: string | undefined
}

/** A success: the value (camelCase, encoded through the route's response schema) and extras. */
export interface Reply {
  readonly value?: unknown
  /**
   * The body already rendered as the app would render `value` (encoded, snake_case JSON), written as
   * is: for routes that cache response bodies. Takes the place of `value`.
   */
  readonly rendered?: string
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
}

// biome-ignore lint/suspicious/noExplicitAny: route schemas are heterogeneous; each route's own types are checked where it is defined
type AnySchema = Schema.Codec<any, any, never, never>

export interface RouteSpec<P, Q> {
  readonly method: HttpMethod
  /** OpenAPI-style path under the API prefix: `/bookings/{id}`. */
  readonly path: string
  readonly operationId: string
  readonly summary: string
  readonly description?: string
  readonly tags: readonly string[]
  readonly auth: AuthMode
  /** Roles the route is meant for (documentation; the core enforces them). */
  readonly roles?: readonly ('guest' | 'host' | 'admin')[]
  readonly params?: Schema.Codec<P, unknown, never, never>
  readonly query?: Schema.Codec<Q, unknown, never, never>
  /** The core's input schema the body is decoded with (documents the body). */
  readonly body?: AnySchema
  /** The body may be omitted entirely (e.g. an optional reason). */
  readonly bodyOptional?: boolean
  /** Honours `Idempotency-Key`. */
  readonly idempotent?: boolean
  /** The body is not JSON-decoded by the API (provider webhooks verify the raw bytes first). */
  readonly rawBody?: boolean
  readonly success: { readonly status: number; readonly description: string; readonly schema?: AnySchema }
  /** Problem statuses the route documents, besides the ones every route may return. */
  readonly errors: readonly number[]
  readonly handle: (ctx: RequestContext<P, Q>) => Effect.Effect<Reply, unknown>
}

/** A route with its types erased, for the router and the OpenAPI generator. */
export interface Route {
  readonly spec: RouteSpec<unknown, unknown>
}

export const defineRoute = <P = Record<string, never>, Q = Record<string, never>>(
  spec: RouteSpec<P, Q>,
): Route => ({
  spec: spec as unknown as RouteSpec<unknown, unknown>,
})
