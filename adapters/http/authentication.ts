import { Effect } from 'effect'
import type Koa from 'koa'
import { anonymousCaller, type Caller, userCaller } from '../../core/application/support/caller.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import { type AccessTokens, bearerToken, unknownSubjectProblem } from './auth.js'
import { HttpProblem, problemOfCoreError } from './problem.js'
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

/** Whether a caller may write now (the core's `AuthorizeWrite`): a suspended user may not. */
export type WriteAuthorization = (caller: Caller) => Effect.Effect<void, unknown>

/**
 * On an authenticated route that changes something (any method but GET): the signed-in user's
 * account must be active now, read from the store on every such request rather than trusted from
 * the access token, so a suspension refuses writes at once (403 `user_suspended`) even with a token
 * issued before it. A token whose user no longer exists is a 401. Anonymous callers pass.
 */
export const writeAuthorization =
  (authorize: WriteAuthorization): Koa.Middleware =>
  async (ctx, next) => {
    const result = await Effect.runPromise(Effect.result(authorize(ctx.state.caller as Caller)))
    if (result._tag === 'Failure') {
      const problem = problemOfCoreError(result.failure)
      if (problem === undefined || problem.code === 'user_not_found') throw unknownSubjectProblem()
      throw new HttpProblem(problem.status, problem.code, problem.title, problem.detail)
    }
    return next()
  }
