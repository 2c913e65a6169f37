import { Effect, Exit } from 'effect'
import { afterAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createRedisClient, RedisIdempotencyStore } from '../../adapters/redis/index.js'
import { T0 } from '../contract/fixtures.js'
import { PrivateRedis } from '../support/private-redis.js'
import { sleep } from '../support/wait.js'

/**
 * A Redis adapter keeps its Lua scripts loaded on the server, at start and after every reconnection.
 * Found under load by the frozen-Redis fault test: an idempotency claim given up while Redis was
 * frozen stayed "in progress", because the give-up was the script's first use: its EVALSHA timed
 * out, ran when Redis woke, met NOSCRIPT, and its EVAL fallback was never sent.
 */
const redis = await PrivateRedis.start(false)
const client = await createRedisClient(redis.url, { commandTimeoutMs: 300 })
const store = new RedisIdempotencyStore(client, { prefix: 'scripts:', clock: new ManualClock(T0) })
afterAll(async () => {
  client.disconnect()
  await redis.dispose()
})

const TTL = 60_000

/** Claims a key, gives it up while Redis is frozen (the give-up times out), and claims it again after. */
const giveUpWhileFrozen = async (key: string): Promise<string> => {
  expect((await Effect.runPromise(store.begin(key, 'fp', TTL, 'owner-1'))).kind).toBe('started')
  redis.signal('SIGSTOP')
  const exit = await Effect.runPromiseExit(store.abandon(key, 'owner-1'))
  redis.signal('SIGCONT')
  expect(Exit.isFailure(exit)).toBe(true)
  await sleep(300)
  return (await Effect.runPromise(store.begin(key, 'fp', TTL, 'owner-2'))).kind
}

describe('Lua scripts stay loaded', () => {
  it('a claim given up while Redis is frozen is gone once it wakes, though that was the script’s first use', async () => {
    await sleep(200)
    expect(await giveUpWhileFrozen('first')).toBe('started')
  })

  it('after Redis restarts empty (its script cache too), the scripts are loaded again on reconnection', async () => {
    await redis.restart()
    for (let i = 0; i < 100 && client.status !== 'ready'; i++) await sleep(50)
    expect(client.status).toBe('ready')
    await sleep(200)
    expect(await giveUpWhileFrozen('after-restart')).toBe('started')
  })
})
