import { Result, Schema } from 'effect'
import type Koa from 'koa'
import { decodeInputResult } from '../../core/domain/shared/validation.js'
import type { Problem } from './problem.js'
import { problemOfCoreError } from './problem.js'
import { problemResponse, validationProblem } from './rendering.js'
import type { RouteSpec } from './route.js'
import { fromWire, toCamel } from './wire.js'

/**
 * Decoding: a request's path parameters and query through the route's schemas (synchronously: no
 * Effect run, no promise hop), its body to camelCase keys (the core decodes it with its input
 * schema), into `ctx.state.input`. Bad input is a 400 `validation_failed` with field-level issues
 * and the route's handler never runs.
 */

/** What a handler gets from the request besides its caller. */
export interface DecodedInput {
  readonly params: unknown
  readonly query: unknown
  readonly body: unknown
  /** The body exactly as received (webhook signatures cover these bytes). */
  readonly rawBody: string
}

type Issue = { path: string; message: string }

const arrayKeysOf = (schema: Schema.Top | undefined): Set<string> => {
  if (!schema) return new Set()
  const doc = Schema.toJsonSchemaDocument(
    schema as Schema.Codec<unknown, unknown, never, never>,
  ) as unknown as {
    schema: { properties?: Record<string, { type?: string }> }
  }
  return new Set(
    Object.entries(doc.schema.properties ?? {})
      .filter(([, s]) => s.type === 'array')
      .map(([k]) => k),
  )
}

/** Query string → camelCase object: repeated keys or comma lists for array fields, strings otherwise. */
const normalizeQuery = (
  query: Record<string, string | string[] | undefined>,
  arrayKeys: ReadonlySet<string>,
): { value: Record<string, unknown>; issues: Issue[] } => {
  const issues: Issue[] = []
  const asObject = fromWire(
    Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)),
    issues,
  ) as Record<string, string | string[]>
  const value: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(asObject)) {
    if (arrayKeys.has(k)) {
      const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(','))
      // An empty value is refused, not dropped: the document says every item is one of the list's.
      if (parts.includes(''))
        issues.push({
          path: k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
          message: 'Expected no empty value (values are repeated parameters or separated by commas)',
        })
      value[k] = parts
    } else if (Array.isArray(v)) {
      issues.push({ path: k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), message: 'Expected one value' })
    } else value[k] = v
  }
  return { value, issues }
}

const failed = (failure: unknown): Problem => problemOfCoreError(failure) ?? validationProblem([])

/** The input of a request that sent none (frozen: handlers only read their input). */
const NO_FIELDS: Readonly<Record<string, never>> = Object.freeze({})

/** Decoded path parameters remembered per route, at most (the map starts over when full). */
const PARAMS_KEPT = 10_000

const STRICT = { onExcessProperty: 'error', errors: 'all' } as const

/**
 * A decoder of one schema, built once: valid input pays only the schema's parser; invalid input is
 * decoded again by the core's `decodeInputResult`, which turns the issues into ValidationFailed.
 */
const decoderOf = (schema: Schema.Codec<unknown, unknown, never, never>) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (input: unknown): Result.Result<unknown, unknown> => {
    const r = decode(input, STRICT)
    return Result.isSuccess(r) ? r : decodeInputResult(schema, input)
  }
}

/** The decoding step of one route (its decoders built once, at start). */
export const decoding = (spec: RouteSpec<unknown, unknown>): Koa.Middleware => {
  const p = spec.params === undefined ? undefined : decoderOf(spec.params)
  const q = spec.query
  const queryCodec = q === undefined ? undefined : decoderOf(Schema.toCodecStringTree(q))
  const arrayQueryKeys = arrayKeysOf(q)
  const paramNames = new Map<string, string>()
  const paramName = (k: string): string => {
    const known = paramNames.get(k)
    if (known !== undefined) return known
    const n = toCamel(k)
    paramNames.set(k, n)
    return n
  }

  // Path parameters decoded before, by their raw text: decoding is pure, and a route's hot ids repeat.
  const knownParams = new Map<string, unknown>()

  const decode = (ctx: Koa.Context): DecodedInput | Problem => {
    const issues: Issue[] = []
    let params: unknown = NO_FIELDS
    if (p !== undefined) {
      const given = ctx.params as Record<string, string> | undefined
      let memo = ''
      for (const k in given) memo += `${k}\u0000${given[k]}\u0000`
      const known = knownParams.get(memo)
      if (known !== undefined) params = known
      else {
        const raw: Record<string, unknown> = {}
        for (const k in given) raw[paramName(k)] = given[k]
        const r = p(raw)
        if (Result.isFailure(r)) return failed(r.failure)
        params = Object.freeze(r.success)
        if (knownParams.size >= PARAMS_KEPT) knownParams.clear()
        knownParams.set(memo, params)
      }
    }
    let query: unknown = NO_FIELDS
    if (queryCodec !== undefined) {
      const n = normalizeQuery(ctx.query as Record<string, string | string[] | undefined>, arrayQueryKeys)
      issues.push(...n.issues)
      if (issues.length === 0) {
        const r = queryCodec(n.value)
        if (Result.isFailure(r)) return failed(r.failure)
        query = r.success
      }
    }
    const rawBody = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : ''
    const parsed: unknown = ctx.request.body
    const hasBody =
      rawBody !== '' ||
      (parsed !== undefined &&
        !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0))
    let body: unknown = spec.rawBody ? parsed : parsed === undefined ? NO_FIELDS : fromWire(parsed, issues)
    if (spec.body && !spec.rawBody) {
      // Every body is a JSON object: an array must not pass as "no fields" (issue 15: a `[]` body
      // of an optional reason was taken for an empty one, against the document).
      if (hasBody && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)))
        issues.push({ path: '', message: 'Expected a JSON object' })
      if (!hasBody && spec.bodyOptional !== true)
        issues.push({ path: '', message: 'A JSON body is required' })
      if (!hasBody && spec.bodyOptional === true) body = {}
    } else if (!spec.rawBody && hasBody && spec.method !== 'get') {
      if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0)
        issues.push({ path: '', message: 'This operation takes no body' })
    }
    if (issues.length > 0) return validationProblem(issues)
    return { params, query, body, rawBody }
  }

  return (ctx, next) => {
    const input = decode(ctx)
    if ('status' in input) {
      ctx.state.response = problemResponse(ctx, input)
      return Promise.resolve()
    }
    ctx.state.input = input
    return next()
  }
}
