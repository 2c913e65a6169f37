import { Effect } from 'effect'
import type Koa from 'koa'
import { anonymousCaller, type Caller, userCaller } from '../../core/application/support/caller.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import { type AccessTokens, bearerToken } from './auth.js'
import type { AuthMode } from './route.js'

/**
 * Authentication: the route's caller, from the Bearer access token (JWT, verified by AccessTokens),
 * into `ctx.state.caller` and `ctx.state.userId`. A public route, or an optional one called without
 * a token, gets the anonymous caller; a bad or missing token where one is needed is a 401.
 */
export const authentication = (tokens: AccessTokens, mode: AuthMode): Koa.Middleware => {
  if (mode === 'public')
    return (ctx, next) => {
      ctx.state.caller = anonymousCaller
      ctx.state.userId = null
      return next()
    }
  const verified: Koa.Middleware = async (ctx, next) => {
    const claims = await Effect.runPromise(
      Effect.flatMap(bearerToken(ctx.get('authorization')), (t) => tokens.verify(t)).pipe(Effect.result),
    )
    if (claims._tag === 'Failure') throw claims.failure
    const caller: Caller = userCaller(claims.success.userId as UserId, claims.success.roles)
    ctx.state.caller = caller
    ctx.state.userId = claims.success.userId
    return next()
  }
  if (mode === 'user') return verified
  return (ctx, next) => {
    if (ctx.get('authorization') !== '') return verified(ctx, next)
    ctx.state.caller = anonymousCaller
    ctx.state.userId = null
    return next()
  }
}
