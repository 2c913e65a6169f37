import { randomBytes, randomUUID } from 'node:crypto'
import { Option } from 'effect'
import type { Redis } from 'ioredis'
import { MongoClient } from 'mongodb'
import type { Connection } from 'rabbitmq-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  AmqpConsumer,
  CloudEventSchema,
  createAmqpConnection,
  deadLetterQueueOf,
  fromCloudEvent,
  InMemoryProcessedEvents,
  retryQueueOf,
} from '../../adapters/amqp/index.js'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { createRedisClient } from '../../adapters/redis/index.js'
import { createEngine, type Engine } from '../../apps/composition/engine.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { BookingId } from '../../core/domain/shared/ids.js'
import { StripeTestServer } from '../support/stripe-test-server/server.js'
import { listingBody } from './support/api.js'
import { type AppProcess, spawnApp, startApiProcess, stopProcess } from './support/processes.js'

/**
 * Issue 12 part 5, several processes over real HTTP: two API processes (`npm start`) and one worker
 * (`npm run worker`) on one MongoDB (the FerretDB of the global setup), RabbitMQ and Redis, with a
 * Stripe-compatible test server taking the payments. The APIs run only their payment webhooks; the
 * worker owns the outbox relay, the timers and the consumers.
 */

const RUN = `innkeeper.multi.${randomUUID().slice(0, 8)}`
const exchange = `${RUN}.events`
const queuePrefix = `${RUN}.worker`
const tapQueue = `${RUN}.tap`
const redisPrefix = `${RUN}:`
const mongoUrl = inject('mongoUrl')
const database = `innkeeper_multi_${randomBytes(4).toString('hex')}`
const WEBHOOK_SECRET = 'whsec_multiprocess_test'
const PASSWORD = 'correct horse battery staple'
const WORKER_QUEUES = ['notifications', 'payouts', 'cache-invalidation'].map((n) => `${queuePrefix}.${n}`)

let stripe: StripeTestServer
let conn: Connection
let redis: Redis
let mongo: MongoClient
let checker: Engine
let apiA: AppProcess & { url: string }
let apiB: AppProcess & { url: string }
let worker: AppProcess
/** Every booking event a queue consumer of our own saw, de-duplicated by event id. */
const seen = new Map<string, DomainEvent>()
let tapClose: () => Promise<void> = async () => {}

const env = (): Record<string, string> => ({
  INNKEEPER_STORE: 'mongo',
  INNKEEPER_MONGO_URL: mongoUrl,
  INNKEEPER_MONGO_DB: database,
  INNKEEPER_EVENTS: 'amqp',
  INNKEEPER_AMQP_EXCHANGE: exchange,
  INNKEEPER_CACHE: 'redis',
  INNKEEPER_IDEMPOTENCY: 'redis',
  INNKEEPER_SESSIONS: 'redis',
  INNKEEPER_REDIS_PREFIX: redisPrefix,
  INNKEEPER_RATE_LIMIT: 'off',
  INNKEEPER_SEED: 'off',
  INNKEEPER_JWT_SECRET: 'multi-process-test-secret-0123456789abcdef',
  INNKEEPER_PAYMENTS: 'stripe',
  INNKEEPER_STRIPE_SECRET_KEY: 'sk_test_multiprocess',
  INNKEEPER_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  INNKEEPER_STRIPE_API_BASE: stripe.url,
})
const startApi = () => startApiProcess(env())
const startWorkerProcess = async (extra: Record<string, string> = {}): Promise<AppProcess> => {
  const p = spawnApp('apps/worker/main.ts', {
    ...env(),
    INNKEEPER_WORKER_QUEUE_PREFIX: queuePrefix,
    INNKEEPER_WORKER_RELAY_MS: '100',
    INNKEEPER_WORKER_TIMERS_MS: '200',
    INNKEEPER_WORKER_RETRY_DELAY_MS: '200',
    LOG_LEVEL: 'info',
    ...extra,
  })
  await p.waitFor(/innkeeper worker consuming/)
  return p
}
const webhooksTo = (api: { url: string }) => {
  stripe.webhookUrl = `${api.url}/api/v1/webhooks/payments/stripe`
}

interface Res {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  json: any
}
const call = async (
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<Res> => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  })
  const text = await res.text()
  return { status: res.status, json: text === '' ? null : JSON.parse(text) }
}
const expectOk = (r: Res, status: number, what: string) =>
  expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBe(status)

const account = async (base: string, key: string, roles: ('guest' | 'host')[] = ['guest']) => {
  const email = `${key}@multi.example`
  const reg = await call(base, 'POST', '/api/v1/auth/register', {
    body: { email, password: PASSWORD, name: key, roles },
  })
  expectOk(reg, 201, `register ${key}`)
  const login = await call(base, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })
  expectOk(login, 200, `login ${key}`)
  return { id: reg.json.id as string, token: login.json.access_token as string }
}
type Account = Awaited<ReturnType<typeof account>>

const listing = async (base: string, host: Account, over: Record<string, unknown> = {}) => {
  const created = await call(base, 'POST', '/api/v1/listings', { token: host.token, body: listingBody(over) })
  expectOk(created, 201, 'create listing')
  const activated = await call(base, 'POST', `/api/v1/listings/${created.json.id}/activate`, {
    token: host.token,
  })
  expectOk(activated, 200, 'activate listing')
  return created.json.id as string
}

const until = async <A>(what: string, f: () => Promise<A | undefined>, timeoutMs = 30_000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const a = await f()
    if (a !== undefined) return a
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
const stateOf = async (base: string, who: Account, id: string): Promise<string> =>
  (await call(base, 'GET', `/api/v1/bookings/${id}`, { token: who.token })).json?.state
const reaches = (base: string, who: Account, id: string, state: string) =>
  until(`booking ${id} ${state}`, async () => ((await stateOf(base, who, id)) === state ? true : undefined))

beforeAll(async () => {
  stripe = await StripeTestServer.start({ now: () => Date.now(), webhookSecret: WEBHOOK_SECRET })
  conn = createAmqpConnection({ connectionName: RUN, retryLowMs: 100 })
  await conn.onConnect(5_000)
  redis = await createRedisClient('redis://127.0.0.1:6379')
  mongo = await MongoClient.connect(mongoUrl)
  checker = createEngine({
    liveClock: true,
    passwordHashCost: 1024,
    store: (clock) => createMongoAdapters(mongo.db(database), { clock }),
    background: {
      webhooks: false,
      timers: false,
      relay: false,
      notifications: false,
      earnings: false,
      payouts: false,
    },
  })
  const tap = new AmqpConsumer(conn, { exchange }).consume({
    queue: tapQueue,
    bindings: ['innkeeper.booking.#', 'innkeeper.payment.#'],
    schema: CloudEventSchema,
    processed: new InMemoryProcessedEvents(),
    handler: async (ce) => {
      const e = fromCloudEvent(ce)
      seen.set(e.id, e)
    },
  })
  await tap.ready
  tapClose = () => tap.close()
  // The first API creates the indexes; the second and the worker find them.
  apiA = await startApi()
  ;[apiB, worker] = await Promise.all([startApi(), startWorkerProcess()])
  webhooksTo(apiA)
}, 120_000)

afterAll(async () => {
  await Promise.all([apiA, apiB, worker].filter((p) => p !== undefined).map((p) => stopProcess(p, 10_000)))
  await tapClose()
  for (const q of [tapQueue, ...WORKER_QUEUES])
    for (const name of [q, retryQueueOf(q), deadLetterQueueOf(q)])
      await conn.queueDelete({ queue: name }).catch(() => undefined)
  await conn.exchangeDelete({ exchange }).catch(() => undefined)
  await conn.close()
  const keys = await redis.keys(`${redisPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
  await mongo
    .db(database)
    .dropDatabase()
    .catch(() => undefined)
  await mongo.close()
  await stripe?.close()
}, 120_000)

describe('two API processes and a worker on one MongoDB, RabbitMQ and Redis', () => {
  let host: Account
  let guests: Account[]

  it('500 concurrent bookings of the one night of a one-unit listing over both APIs: exactly one 201, the rest 409, no 5xx', async () => {
    host = await account(apiA.url, 'host', ['guest', 'host'])
    guests = []
    for (let i = 0; i < 8; i++) guests.push(await account(i % 2 === 0 ? apiA.url : apiB.url, `guest${i}`))
    const id = await listing(apiB.url, host, { units: 1 })
    const statuses = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        call(i % 2 === 0 ? apiA.url : apiB.url, 'POST', '/api/v1/bookings', {
          token: guests[i % guests.length]!.token,
          body: { listing_id: id, check_in: '2027-03-10', check_out: '2027-03-11', guests: 1 },
        }).then((r) => r.status),
      ),
    )
    const count = (s: number) => statuses.filter((x) => x === s).length
    expect({
      created: count(201),
      conflict: count(409),
      other: statuses.length - count(201) - count(409),
    }).toEqual({ created: 1, conflict: 499, other: 0 })
  }, 180_000)

  it('a full journey where each step hits the other API: book, pay, modify, cancel; request to book, authorize, accept', async () => {
    const guest = guests[0]!
    const [a, b] = [apiA.url, apiB.url]
    const instant = await listing(a, host, { units: 1 })
    const booked = await call(a, 'POST', '/api/v1/bookings', {
      token: guest.token,
      body: { listing_id: instant, check_in: '2027-04-01', check_out: '2027-04-04', guests: 2 },
    })
    expectOk(booked, 201, 'book on A')
    const paid = await call(b, 'POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expectOk(paid, 200, 'pay on B')
    await reaches(a, guest, booked.json.id, 'confirmed')
    await stripe.idle()
    const modified = await call(b, 'PATCH', `/api/v1/bookings/${booked.json.id}`, {
      token: guest.token,
      body: { check_out: '2027-04-03' },
    })
    expectOk(modified, 200, 'modify on B')
    expect(modified.json.check_out).toBe('2027-04-03')
    const cancelled = await call(a, 'POST', `/api/v1/bookings/${booked.json.id}/cancel`, {
      token: guest.token,
    })
    expectOk(cancelled, 200, 'cancel on A')
    expect(await stateOf(b, guest, booked.json.id)).toBe('cancelled')

    const request = await listing(b, host, { units: 1, booking_mode: 'request' })
    const asked = await call(b, 'POST', '/api/v1/bookings', {
      token: guest.token,
      body: { listing_id: request, check_in: '2027-05-01', check_out: '2027-05-03', guests: 1 },
    })
    expectOk(asked, 201, 'request on B')
    const authorized = await call(a, 'POST', `/api/v1/bookings/${asked.json.id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expectOk(authorized, 200, 'authorize on A')
    await reaches(b, guest, asked.json.id, 'awaiting_host')
    // Every webhook of the authorization applied first: otherwise the accept may meet one applying
    // and answer 409 concurrent_modification (retry), which a client would simply retry.
    await stripe.idle()
    const accepted = await call(b, 'POST', `/api/v1/bookings/${asked.json.id}/accept`, { token: host.token })
    expectOk(accepted, 200, 'accept on B')
    await reaches(a, guest, asked.json.id, 'confirmed')
    // The worker relays every step's events to RabbitMQ.
    await until('the journey events on the queue', async () =>
      [...seen.values()].some(
        (e) => e.subject === asked.json.id && e.type === 'innkeeper.booking.confirmed.v1',
      )
        ? true
        : undefined,
    )
    const types = (id: string) => [...seen.values()].filter((e) => e.subject === id).map((e) => e.type)
    expect(types(booked.json.id)).toEqual(
      expect.arrayContaining([
        'innkeeper.booking.requested.v1',
        'innkeeper.booking.confirmed.v1',
        'innkeeper.booking.modified.v1',
        'innkeeper.booking.cancelled.v1',
      ]),
    )
  }, 120_000)

  it('kill -9 of an API during a burst, then a restart: every 201 booking is there with its payment and events; unpaid holds expire through the worker', async () => {
    const units = 200
    const id = await listing(apiA.url, host, { units })
    // Each guest may hold three unpaid bookings at once: three each (the 500-burst winner has one).
    const created: { id: string; guest: Account }[] = []
    let killed = false
    const burst = Array.from({ length: 3 * guests.length }, (_, i) => {
      const guest = guests[i % guests.length]!
      const onA = i % 2 === 0
      const day = 1 + (i % 26)
      const d = (n: number) => `2027-06-${String(n).padStart(2, '0')}`
      // Staggered, so that A has requests in flight whenever it dies.
      return new Promise((r) => setTimeout(r, i * 40))
        .then(() =>
          call(onA ? apiA.url : apiB.url, 'POST', '/api/v1/bookings', {
            token: guest.token,
            body: { listing_id: id, check_in: d(day), check_out: d(day + 2), guests: 1 },
          }),
        )
        .then(
          (r) => {
            if (r.status === 201) created.push({ id: r.json.id, guest })
            // kill -9 of A as soon as it has answered one: the rest of its share is in flight.
            if (onA && !killed) {
              killed = true
              apiA.child.kill('SIGKILL')
            }
            return r.status
          },
          () => 0, // the connection died with the process
        )
    })
    const statuses = await Promise.all(burst)
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    expect(statuses.filter((s) => s !== 0 && s !== 201 && s !== 409)).toEqual([])
    expect(statuses.filter((s) => s === 0).length, String(statuses)).toBeGreaterThan(0)
    expect(created.length).toBeGreaterThan(0)
    await apiA.exit
    apiA = await startApi()
    webhooksTo(apiA)

    // Every 201 is stored; half are paid (through both APIs), the other half stay unpaid.
    const paidIds = new Set<string>()
    for (const [i, b] of created.entries()) {
      const stored = await checker.run(checker.deps.bookings.byId(b.id as BookingId))
      expect(Option.isSome(stored), `booking ${b.id} answered 201 and is stored`).toBe(true)
      if (i % 2 === 0) {
        const paid = await call(
          i % 4 === 0 ? apiA.url : apiB.url,
          'POST',
          `/api/v1/bookings/${b.id}/checkout`,
          {
            token: b.guest.token,
            body: { auto_confirm: true },
          },
        )
        expectOk(paid, 200, `pay ${b.id}`)
        paidIds.add(b.id)
      }
    }
    for (const b of created) if (paidIds.has(b.id)) await reaches(apiB.url, b.guest, b.id, 'confirmed')

    // The worker's timers expire the unpaid holds: a worker whose clock is 20 minutes ahead takes over.
    expect(await stopProcess(worker)).toBe(0)
    worker = await startWorkerProcess({ INNKEEPER_WORKER_CLOCK_AHEAD_MS: String(20 * 60_000) })
    for (const b of created) if (!paidIds.has(b.id)) await reaches(apiB.url, b.guest, b.id, 'expired')

    // No event lost: a queue consumer sees each booking's events (de-duplicated by id).
    const typesOf = (bookingId: string) =>
      [...seen.values()].filter((e) => e.subject === bookingId).map((e) => e.type)
    await until(
      'every booking event on the queue',
      async () =>
        created.every((b) =>
          typesOf(b.id).includes(
            paidIds.has(b.id) ? 'innkeeper.booking.confirmed.v1' : 'innkeeper.booking.expired.v1',
          ),
        )
          ? true
          : undefined,
      60_000,
    )
    for (const b of created) {
      const t = typesOf(b.id)
      expect(
        t.filter((x) => x === 'innkeeper.booking.requested.v1'),
        b.id,
      ).toHaveLength(1)
      const stored = Option.getOrThrow(await checker.run(checker.deps.bookings.byId(b.id as BookingId)))
      const payments = await checker.run(checker.deps.payments.byBooking(stored.id))
      if (paidIds.has(b.id)) {
        expect(stored.state).toBe('confirmed')
        expect(payments.map((p) => p.status)).toEqual(['captured'])
      } else {
        expect(stored.state).toBe('expired')
        expect(t).toContain('innkeeper.booking.expired.v1')
      }
    }
    expect(worker.output()).toContain('due transitions')
    console.info(
      `kill -9 burst: ${statuses.length} requests, ${created.length} × 201 (${paidIds.size} paid, ${created.length - paidIds.size} expired), ${statuses.filter((x) => x === 409).length} × 409, ${statuses.filter((x) => x === 0).length} lost with the process; ${seen.size} distinct events seen`,
    )
  }, 300_000)
})
