import { Effect } from 'effect'
import { Forbidden } from '../../domain/shared/errors.js'
import type { UserId } from '../../domain/shared/ids.js'
import type { Role } from '../../domain/users/user.js'

/**
 * Who is asking: an authenticated user with roles, the system itself (timers, webhooks), or an
 * anonymous visitor (public reads: search, listing pages), who owns nothing and may do nothing.
 */
export type Caller =
  | { readonly kind: 'user'; readonly userId: UserId; readonly roles: readonly Role[] }
  | { readonly kind: 'system' }
  | { readonly kind: 'anonymous' }

export const systemCaller: Caller = { kind: 'system' }
export const anonymousCaller: Caller = { kind: 'anonymous' }
export const userCaller = (userId: UserId, roles: readonly Role[]): Caller => ({
  kind: 'user',
  userId,
  roles,
})

export const isAdmin = (c: Caller): boolean => c.kind === 'user' && c.roles.includes('admin')

/** The caller's user id, or Forbidden for the system caller. */
export const requireUser = (
  c: Caller,
): Effect.Effect<{ userId: UserId; roles: readonly Role[] }, Forbidden> =>
  c.kind === 'user' ? Effect.succeed(c) : Effect.fail(new Forbidden({ reason: 'a user is required' }))

export const requireRole = (
  c: Caller,
  role: Role,
): Effect.Effect<{ userId: UserId; roles: readonly Role[] }, Forbidden> =>
  c.kind === 'user' && (c.roles.includes(role) || c.roles.includes('admin'))
    ? Effect.succeed(c)
    : Effect.fail(new Forbidden({ reason: `the ${role} role is required` }))
