import { Cause, Effect, Exit } from 'effect'
import type { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import {
  createRedisClient,
  RedisCommandFailed,
  RedisIdempotencyStore,
  RedisRateLimiter,
} from '../../adapters/redis/index.js'
import type { IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js'
import type { RateLimiter } from '../../ports/rate-limiter.js'
import { T0 } from '../contract/fixtures.js'
import { PrivateRedis } from '../support/private-redis.js'
import { sleep } from '../support/wait.js'

/**
 * Redis restarting (kill -9, then started again) under the rate limiter and the idempotency store.
 * Each test runs its own redis-server on a free port, so killing it disturbs no other test file.
 *
 * What the adapters guarantee, and these tests show:
 * - while Redis is down (or frozen) every call fails with a RedisCommandFailed defect within the
 *   client's command timeout: no hang, no success;
 * - a command whose connection dropped is not resent (it may have run), so nothing is applied twice;
 * - with AOF and `appendfsync always`, every reply the client saw is on disk before it was sent:
 *   a completed idempotency key replays its response after the restart, a claimed key stays claimed,
 *   and a spent token stays spent, so a window never grants more than its capacity;
 * - without persistence a restart forgets everything: the last test pins that down, and it is why
 *   Redis must run with AOF (`appendonly yes`, `appendfsync always`) for idempotency and rate limits
 *   to hold across restarts.
 */

const CALL_BOUND_MS = 5_000
const CAPACITY = 10
/** The clock stands still: no token is refilled during a test, so every grant counts against one window. */
const policy = { capacity: CAPACITY, refillPerSecond: 1 }
const response: StoredResponse = { status: 201, body: '{"id":"bkg_1"}', headers: { location: '/b/1' } }
const TTL = 60_000

/** Waits (bounded) until the client has reconnected after a restart. */
const ready = async (client: Redis): Promise<void> => {
  for (let i = 0; i < 250 && client.status !== 'ready'; i++) await sleep(20)
  expect(client.status).toBe('ready')
}

type Outcome<A> =
  | { readonly kind: 'ok'; readonly value: A }
  | { readonly kind: 'failed'; readonly defect: unknown }

/** Runs one adapter call; a hang past CALL_BOUND_MS fails the test instead of waiting. */
const attempt = async <A>(effect: Effect.Effect<A>): Promise<Outcome<A>> => {
  const hung = sleep(CALL_BOUND_MS).then(() => 'hung' as const)
  const result = await Promise.race([Effect.runPromiseExit(effect), hung])
  if (result === 'hung') throw new Error(`an adapter call hung for more than ${CALL_BOUND_MS} ms`)
  return Exit.isSuccess(result)
    ? { kind: 'ok', value: result.value }
    : { kind: 'failed', defect: Cause.squash(result.cause) }
}

const expectClearFailure = (o: Outcome<unknown>): void => {
  expect(o.kind).toBe('failed')
  if (o.kind === 'failed') expect(o.defect).toBeInstanceOf(RedisCommandFailed)
}

/**
 * A request handler as the HTTP layer runs it: claim the key, execute (counted per key), store the
 * response. `executions` is what must never exceed 1 per key; `stored` holds the keys whose
 * complete the handler saw succeed.
 */
const handler =
  (store: IdempotencyStore, executions: Map<string, number>, stored = new Set<string>()) =>
  async (key: string) => {
    const begun = await attempt(store.begin(key, 'fp', TTL))
    if (begun.kind === 'failed') return 'failed' as const
    if (begun.value.kind !== 'started') return begun.value.kind
    executions.set(key, (executions.get(key) ?? 0) + 1)
    const done = await attempt(store.complete(key, response, TTL))
    if (done.kind === 'failed') return 'failed' as const
    stored.add(key)
    return 'executed' as const
  }

const granted = async (limiter: RateLimiter, key: string, n: number, concurrently = false) => {
  const one = () => attempt(limiter.consume(key, policy))
  const outcomes = concurrently
    ? await Promise.all(Array.from({ length: n }, one))
    : await (async () => {
        const out = []
        for (let i = 0; i < n; i++) out.push(await one())
        return out
      })()
  return {
    allowed: outcomes.filter((o) => o.kind === 'ok' && o.value.allowed).length,
    failed: outcomes.filter((o) => o.kind === 'failed').length,
  }
}

describe('faults: Redis restarting mid-run (private redis-server, kill -9)', () => {
  let server: PrivateRedis | undefined
  let client: Redis | undefined
  afterEach(async () => {
    client?.disconnect()
    await server?.dispose()
    client = undefined
    server = undefined
  })

  const setUp = async (persistent: boolean) => {
    server = await PrivateRedis.start(persistent)
    client = await createRedisClient(server.url, { commandTimeoutMs: 1_000, reconnectDelayMs: () => 50 })
    const clock = new ManualClock(T0)
    return {
      server,
      client,
      limiter: new RedisRateLimiter(client, { prefix: 'fault:', clock }),
      store: new RedisIdempotencyStore(client, { prefix: 'fault:', clock }),
    }
  }

  it('with AOF: calls during the outage fail clearly; afterwards completed keys replay, claimed keys stay claimed, and the window grants at most its capacity', async () => {
    const { server, client, limiter, store } = await setUp(true)
    const executions = new Map<string, number>()
    const handle = handler(store, executions)

    expect((await granted(limiter, 'ip:1', 6)).allowed).toBe(6)
    expect(await handle('done')).toBe('executed')
    expect(await attempt(store.begin('claimed', 'fp', TTL))).toEqual({
      kind: 'ok',
      value: { kind: 'started' },
    })
    executions.set('claimed', 1)

    await server.kill()
    // Down: each call is a RedisCommandFailed defect, at once; none is a success.
    expectClearFailure(await attempt(limiter.consume('ip:1', policy)))
    expectClearFailure(await attempt(store.begin('done', 'fp', TTL)))
    expectClearFailure(await attempt(store.begin('fresh', 'fp', TTL)))
    expect(await handle('fresh')).toBe('failed')

    await server.startProcess()
    await ready(client)

    expect(await attempt(store.begin('done', 'fp', TTL))).toEqual({
      kind: 'ok',
      value: { kind: 'completed', response },
    })
    expect(await handle('done')).toBe('completed')
    expect(await handle('claimed')).toBe('in_progress')
    expect(await handle('fresh')).toBe('executed')
    expect([...executions]).toEqual([
      ['done', 1],
      ['claimed', 1],
      ['fresh', 1],
    ])
    // 6 tokens were spent before the restart: 4 are left, not a fresh bucket of 10.
    expect((await granted(limiter, 'ip:1', 10)).allowed).toBe(CAPACITY - 6)
  })

  it('with AOF: killed with requests in flight, no key executes twice and the window grants at most its capacity', async () => {
    const { server, client, limiter, store } = await setUp(true)
    const executions = new Map<string, number>()
    const stored = new Set<string>()
    const handle = handler(store, executions, stored)
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`)

    // Half the keys done before; the limiter has spent 5 of its 10 tokens.
    for (const k of keys.slice(0, 20)) expect(await handle(k)).toBe('executed')
    expect((await granted(limiter, 'ip:1', 5)).allowed).toBe(5)

    // Every key and 10 consumes in flight, and the server killed under them.
    const inFlight = Promise.all([
      Promise.all(keys.map(handle)),
      granted(limiter, 'ip:1', 10, true),
      server.kill(),
    ])
    const [during, duringGrants] = await inFlight
    // A request either finished, failed clearly, or met a claim: nothing else.
    for (const o of during) expect(['executed', 'completed', 'in_progress', 'failed']).toContain(o)

    await server.startProcess()
    await ready(client)

    // Clients retry every key three times, and keep asking for tokens.
    let last: string[] = []
    for (let round = 0; round < 3; round++) {
      last = []
      for (const k of keys) last.push(await handle(k))
    }
    const afterGrants = await granted(limiter, 'ip:1', 20)

    expect(keys.filter((k) => (executions.get(k) ?? 0) > 1)).toEqual([])
    // The 20 keys completed before the kill never ran again.
    for (const k of keys.slice(0, 20)) expect(executions.get(k)).toBe(1)
    // Every key whose response was stored (its client saw the complete succeed) replays it; a key
    // that never ran is held by a claim whose reply was lost in the kill; a key that ran but whose
    // complete was lost stays claimed. Those two answer 409 until the claim expires: nothing runs twice.
    keys.forEach((k, i) => {
      const expected = stored.has(k)
        ? ['completed']
        : executions.has(k)
          ? ['completed', 'in_progress']
          : ['in_progress']
      expect({ key: k, last: last[i] }).toEqual({ key: k, last: expect.toBeOneOf(expected) })
    })
    expect(5 + duringGrants.allowed + afterGrants.allowed).toBeLessThanOrEqual(CAPACITY)
    // Service resumed: after the restart the limiter answers and the keys are served.
    expect(afterGrants.failed).toBe(0)
    expect(await handle('after-restart')).toBe('executed')
  })

  it('a frozen Redis (SIGSTOP) makes calls fail at the command timeout instead of hanging; a timed-out claim may still land, so a retry waits (in_progress) and never executes twice', async () => {
    const { server, limiter, store } = await setUp(true)
    // Scripts loaded first, so what times out below is a script that runs when Redis wakes up.
    expect((await attempt(store.begin('warm-up', 'fp', TTL))).kind).toBe('ok')
    expect((await attempt(limiter.consume('ip:warm-up', policy))).kind).toBe('ok')
    server.signal('SIGSTOP')
    expectClearFailure(await attempt(store.begin('paused', 'fp', TTL)))
    expectClearFailure(await attempt(limiter.consume('ip:1', policy)))
    server.signal('SIGCONT')
    expect(await attempt(store.begin('paused', 'fp', TTL))).toEqual({
      kind: 'ok',
      value: { kind: 'in_progress' },
    })
    // The timed-out consume was applied when Redis woke: it counts against the window, never for free.
    expect((await granted(limiter, 'ip:1', CAPACITY)).allowed).toBe(CAPACITY - 1)
  })

  it('without persistence a restart forgets completed keys and spent tokens: why AOF is required', async () => {
    const { server, client, limiter, store } = await setUp(false)
    const executions = new Map<string, number>()
    const handle = handler(store, executions)
    expect(await handle('done')).toBe('executed')
    expect((await granted(limiter, 'ip:1', CAPACITY)).allowed).toBe(CAPACITY)

    await server.restart()
    await ready(client)

    // The key is gone: a retry executes again. The bucket is gone: the window grants twice.
    expect(await handle('done')).toBe('executed')
    expect(executions.get('done')).toBe(2)
    expect((await granted(limiter, 'ip:1', CAPACITY)).allowed).toBe(CAPACITY)
  })
})
