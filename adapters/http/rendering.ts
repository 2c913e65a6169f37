import { Cause, Exit, Option, Result } from 'effect'
import type Koa from 'koa'
import type { Logger } from 'pino'
import { UserNotFound } from '../../core/domain/shared/errors.js'
import { isUnavailable } from '../../ports/unavailable.js'
import { unknownSubjectProblem } from './auth.js'
import {
  HttpProblem,
  headersOfCoreError,
  internalProblem,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemOfCoreError,
  problemOfHttp,
  UNAVAILABLE_RETRY_AFTER_S,
  unavailableProblem,
} from './problem.js'
import type { Reply } from './route.js'

/**
 * Rendering: what a route's outcome looks like on the wire, and writing it. A success is encoded
 * through the route's response schema (snake_case JSON); a typed failure becomes problem+json with
 * its stable code; anything else is logged and answered as a 500 that leaks nothing.
 */

/** A response ready to write (and to store for an idempotent replay). */
export interface Rendered {
  readonly status: number
  readonly body: string | undefined
  readonly headers: Readonly<Record<string, string>>
}

const JSON_TYPE = 'application/json; charset=utf-8'

/** A problem's body: the problem with the request's path and id. */
export const problemBody = (ctx: Koa.Context, p: Problem): string =>
  JSON.stringify({ ...p, instance: ctx.path, request_id: ctx.state.requestId as string })

export const problemResponse = (
  ctx: Koa.Context,
  p: Problem,
  headers: Readonly<Record<string, string>> = {},
): Rendered => ({
  status: p.status,
  body: problemBody(ctx, p),
  headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
})

/** Writes a problem at once (failures outside a route's handler: 404, 405, thrown HttpProblems). */
export const sendProblem = (ctx: Koa.Context, problem: Problem, headers: Record<string, string> = {}) => {
  ctx.status = problem.status
  for (const k in headers) ctx.set(k, headers[k] as string)
  ctx.type = PROBLEM_CONTENT_TYPE
  ctx.body = problemBody(ctx, problem)
}

/** A 400 `validation_failed` with field-level issues. */
export const validationProblem = (issues: readonly { path: string; message: string }[]) =>
  problemOfCoreError({ code: 'validation_failed', issues, message: '' }) as Problem

/** What a route renders: its operation, success status and response encoder. */
export interface RenderSpec {
  readonly operationId: string
  readonly successStatus: number
  /** The response body of a success value (encoded through the route's schema); none for body-less routes. */
  readonly encode: ((v: unknown) => string) | undefined
}

const JSON_ONLY: Readonly<Record<string, string>> = { 'content-type': JSON_TYPE }
/** Headers with the JSON content type, made once per headers object (cached replies share theirs). */
const typedHeaders = new WeakMap<object, Readonly<Record<string, string>>>()
const withJsonType = (
  headers: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> => {
  if (headers === undefined) return JSON_ONLY
  const known = typedHeaders.get(headers)
  if (known !== undefined) return known
  const typed = { ...headers, 'content-type': JSON_TYPE }
  typedHeaders.set(headers, typed)
  return typed
}

/** A handler's success, encoded through the route's response schema. */
export const renderReply = (ctx: Koa.Context, spec: RenderSpec, reply: Reply, logger: Logger): Rendered => {
  const status = reply.status ?? spec.successStatus
  if (reply.rendered !== undefined)
    return { status, body: reply.rendered, headers: withJsonType(reply.headers) }
  const headers: Record<string, string> = { ...reply.headers }
  if (spec.encode === undefined || reply.value === undefined) return { status, body: undefined, headers }
  let body: string
  try {
    body = spec.encode(reply.value)
  } catch (err) {
    logger.error(
      { err, requestId: ctx.state.requestId, route: spec.operationId },
      'response does not match its schema',
    )
    return problemResponse(ctx, internalProblem())
  }
  headers['content-type'] = JSON_TYPE
  return { status, body, headers }
}

/** A handler's failure: the typed error's problem, or a logged 500. */
export const renderFailure = (
  ctx: Koa.Context,
  spec: RenderSpec,
  cause: Cause.Cause<unknown>,
  logger: Logger,
): Rendered => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) {
    const e = failure.value
    if (e instanceof HttpProblem) return problemResponse(ctx, problemOfHttp(e), e.headers)
    if (e instanceof UserNotFound && e.userId === ctx.state.userId) {
      const unknown = unknownSubjectProblem()
      return problemResponse(ctx, problemOfHttp(unknown), unknown.headers)
    }
    const p = problemOfCoreError(e)
    if (p) return problemResponse(ctx, p, headersOfCoreError(e))
  }
  const defect = Cause.findDefect(cause)
  if (Result.isSuccess(defect) && isUnavailable(defect.success)) {
    logger.warn(
      { requestId: ctx.state.requestId, err: defect.success, route: spec.operationId },
      'backing service unreachable',
    )
    return problemResponse(ctx, unavailableProblem(), { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
  }
  logger.error(
    { requestId: ctx.state.requestId, cause: Cause.pretty(cause), route: spec.operationId },
    'request failed',
  )
  return problemResponse(ctx, internalProblem())
}

export const renderExit = (
  ctx: Koa.Context,
  spec: RenderSpec,
  exit: Exit.Exit<Reply, unknown>,
  logger: Logger,
): Rendered =>
  Exit.isSuccess(exit)
    ? renderReply(ctx, spec, exit.value, logger)
    : renderFailure(ctx, spec, exit.cause, logger)

/** Writes a rendered response. */
export const write = (ctx: Koa.Context, r: Rendered): void => {
  const headers = r.headers
  for (const k in headers) if (k !== 'content-type') ctx.set(k, headers[k] as string)
  if (r.body === undefined) {
    // An explicit null body, then the status: otherwise Koa answers a body-less 202 with the text "Accepted".
    ctx.body = null
    ctx.status = r.status
  } else {
    ctx.status = r.status
    ctx.type = headers['content-type'] ?? 'application/json'
    ctx.body = r.body
  }
}

/**
 * The route's outermost step: names the route (`template`, for logs and metrics), and writes what
 * the steps inside left in `ctx.state.response`.
 */
export const writeResponse = (template: string): Koa.Middleware => {
  const authRoute = template.includes('/auth/')
  return async (ctx, next) => {
    ctx.state.routeTemplate = template
    await next()
    const r = ctx.state.response as Rendered | undefined
    if (r !== undefined) write(ctx, r)
    // Tokens and whatever was answered to a signed-in caller are never stored by a browser or a
    // shared cache (OWASP: sensitive responses carry no-store).
    if (ctx.state.userId != null || authRoute) ctx.set('cache-control', 'no-store')
  }
}
