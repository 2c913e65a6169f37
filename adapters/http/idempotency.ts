import { createHash, randomUUID } from 'node:crypto'
import { Effect } from 'effect'
import type Koa from 'koa'
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js'
import { HttpProblem } from './problem.js'
import { problemResponse, type Rendered, validationProblem } from './rendering.js'

/**
 * Idempotency keys: on a route that honours `Idempotency-Key`, the first request with a key runs and
 * its response is stored (unless it failed with a 5xx, which releases the key); a retry with the same
 * key and body replays the stored response (`Idempotent-Replayed: true`) without running again; the
 * same key with another body is a 422, and a retry while the first is still running a 409. Keys are
 * scoped by caller and operation.
 */

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/** JSON with sorted keys, so two bodies that mean the same have the same fingerprint. */
const canonical = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v) ?? 'null'
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

const storedOf = (r: Rendered): StoredResponse => ({
  status: r.status,
  body: r.body ?? '',
  headers: { ...r.headers },
})

/**
 * How long a key stays "in progress" when its request never reports back (the process died, or the
 * store became unreachable before the result could be stored): as long as a request can run, not
 * the day a completed result is kept. A stall of the store therefore blocks a key for two minutes at
 * most, never 24 hours.
 */
export const IDEMPOTENCY_CLAIM_TTL_MS = 120_000

/** Runs a store call whose failure must not turn a finished request into an error. */
const bestEffort = async (what: string, ctx: Koa.Context, call: Effect.Effect<void>): Promise<void> => {
  try {
    await Effect.runPromise(call)
  } catch (err) {
    // The claim expires by itself within IDEMPOTENCY_CLAIM_TTL_MS.
    ctx.state.idempotencyWarning = { what, err }
  }
}

/** The idempotency step of one route, around its handler (which leaves `ctx.state.response`). */
export const idempotency =
  (store: IdempotencyStore, ttlMs: number, operationId: string): Koa.Middleware =>
  async (ctx, next) => {
    const claimTtlMs = Math.min(ttlMs, IDEMPOTENCY_CLAIM_TTL_MS)
    const key = ctx.get('idempotency-key')
    if (key === '') return next()
    if (!IDEMPOTENCY_KEY.test(key)) {
      ctx.state.response = problemResponse(
        ctx,
        validationProblem([
          { path: 'Idempotency-Key', message: 'Expected 1 to 255 printable ASCII characters' },
        ]),
      )
      return
    }
    const scoped = `${(ctx.state.userId as string | null) ?? 'anonymous'}:${operationId}:${key}`
    const fingerprint = sha256(`${ctx.method} ${ctx.path}\n${canonical(ctx.request.body ?? null)}`)
    // The claim is this request's own (a fresh id, not the client-chosen request id), so giving it
    // up never frees another request's.
    const owner = randomUUID()
    let begun: IdempotencyBegin
    try {
      begun = await Effect.runPromise(store.begin(scoped, fingerprint, claimTtlMs, owner))
    } catch (err) {
      // A store that cannot be reached here fails the request before anything ran: 503
      // (request-log). A stalled store may still run the claim once it wakes; giving it up after
      // it (same connection, in order) leaves no claim behind that nobody will complete.
      await bestEffort('abandon', ctx, store.abandon(scoped, owner))
      throw err
    }
    switch (begun.kind) {
      case 'mismatch':
        throw new HttpProblem(
          422,
          'idempotency_key_reused',
          'Idempotency key reused',
          'This Idempotency-Key was used with another request body',
        )
      case 'in_progress':
        throw new HttpProblem(
          409,
          'idempotency_key_in_use',
          'Request in progress',
          'A request with this Idempotency-Key is still running; retry shortly',
          {},
          { 'Retry-After': '1' },
        )
      case 'completed': {
        const s = begun.response
        ctx.set('Idempotent-Replayed', 'true')
        ctx.state.response = {
          status: s.status,
          body: s.body === '' ? undefined : s.body,
          headers: { ...s.headers },
        } satisfies Rendered
        return
      }
      case 'started': {
        ctx.state.requestKey = key
        try {
          await next()
        } catch (err) {
          await bestEffort('abandon', ctx, store.abandon(scoped, owner))
          throw err
        }
        const result = ctx.state.response as Rendered
        // The work is done (or failed with a 5xx, which releases the key): the client gets its real
        // answer even when the store cannot take the result now; the claim then lapses by itself.
        if (result.status >= 500) await bestEffort('abandon', ctx, store.abandon(scoped, owner))
        else await bestEffort('complete', ctx, store.complete(scoped, storedOf(result), ttlMs))
        return
      }
    }
  }
