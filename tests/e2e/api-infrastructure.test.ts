import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloudEventSchema, fromCloudEvent } from '../../adapters/amqp/cloud-event.js'
import {
  AmqpConsumer,
  type ConsumerHandle,
  deadLetterQueueOf,
  InMemoryProcessedEvents,
  retryQueueOf,
} from '../../adapters/amqp/index.js'
import { RecordingNotifier } from '../../adapters/memory/index.js'
import { type ApiServer, startApiServer } from '../../apps/api/server.js'
import {
  createInfrastructure,
  defaultInfrastructureConfig,
  type Infrastructure,
} from '../../apps/composition/infrastructure.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { listingBody, PASSWORD, testApiConfig } from './support/api.js'

/**
 * The API on real infrastructure, over real HTTP: cache, rate limiter, idempotency keys and refresh
 * sessions in Redis, events relayed to RabbitMQ. A queue consumer of our own bound to the exchange
 * sees each booking's events in order and exactly once after de-duplication; the API's own
 * notification consumer (fed from RabbitMQ) sends the notices; Redis holds what the API put there.
 */
const RUN = `innkeeper.api-e2e.${randomUUID().slice(0, 8)}`
const exchange = `${RUN}.events`
const redisPrefix = `${RUN}:`
const tapQueue = `${RUN}.tap`
const apiQueuePrefix = `${RUN}.api`

let infra: Infrastructure
let api: ApiServer
let tap: ConsumerHandle
const notifier = new RecordingNotifier()
const received: DomainEvent[] = []

const until = async (what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const request = async (
  method: string,
  path: string,
  o: { token?: string; body?: unknown; key?: string } = {},
) => {
  const headers: Record<string, string> = {}
  if (o.token) headers.authorization = `Bearer ${o.token}`
  if (o.key) headers['idempotency-key'] = o.key
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers,
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, json: text === '' ? undefined : JSON.parse(text) }
}

beforeAll(async () => {
  infra = await createInfrastructure(
    {
      ...defaultInfrastructureConfig,
      events: 'amqp',
      cache: 'redis',
      rateLimiter: 'redis',
      idempotency: 'redis',
      sessions: 'redis',
      exchange,
      redisPrefix,
    },
    { connectionName: RUN },
  )
  const config = testApiConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INNKEEPER_JWT_SECRET: 'api-e2e-secret-api-e2e-secret-0123456',
    INNKEEPER_SEED: 'false',
  })
  tap = new AmqpConsumer(infra.amqp!.connection, { exchange }).consume({
    queue: tapQueue,
    bindings: ['innkeeper.booking.#', 'innkeeper.payment.#'],
    schema: CloudEventSchema,
    processed: new InMemoryProcessedEvents(),
    handler: async (ce) => {
      received.push(fromCloudEvent(ce))
    },
  })
  await tap.ready
  api = await startApiServer({
    config,
    ports: { ...infra.ports, notifier },
    amqp: { consumer: infra.amqp!.consumer, queuePrefix: apiQueuePrefix },
    engineOptions: { passwordHashCost: 2 ** 10 },
    background: false,
    loginLimits: false,
  })
}, 60_000)

afterAll(async () => {
  await api?.close()
  await tap?.close()
  const conn = infra.amqp!.connection
  for (const q of [tapQueue, `${apiQueuePrefix}.notifications`])
    for (const name of [q, retryQueueOf(q), deadLetterQueueOf(q)])
      await conn.queueDelete({ queue: name }).catch(() => undefined)
  await conn.exchangeDelete({ exchange }).catch(() => undefined)
  const keys = await infra.redis!.keys(`${redisPrefix}*`)
  if (keys.length > 0) await infra.redis!.del(...keys)
  await infra.close()
})

const account = async (key: string, roles: string[]) => {
  const email = `${key}.${RUN}@e2e.example`
  const reg = await request('POST', '/api/v1/auth/register', {
    body: { email, password: PASSWORD, name: key, roles },
  })
  expect(reg.status, reg.text).toBe(201)
  const login = await request('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })
  expect(login.status, login.text).toBe(200)
  return {
    id: reg.json.id as string,
    token: login.json.access_token as string,
    refresh: login.json.refresh_token as string,
  }
}

describe('API on Redis and RabbitMQ, over HTTP', () => {
  it("a booking's events reach a queue consumer in order, exactly once; notices are sent; Redis keeps limits, keys, sessions and pages", async () => {
    const redis = infra.redis!
    const host = await account('host', ['guest', 'host'])
    const guest = await account('guest', ['guest'])

    // Refresh sessions live in Redis: rotation works, a reused token is refused.
    const rotated = await request('POST', '/api/v1/auth/refresh', { body: { refresh_token: guest.refresh } })
    expect(rotated.status, rotated.text).toBe(200)
    const reused = await request('POST', '/api/v1/auth/refresh', { body: { refresh_token: guest.refresh } })
    expect(reused.status).toBe(401)
    expect((await redis.keys(`${redisPrefix}sess:*`)).length).toBeGreaterThan(0)

    const created = await request('POST', '/api/v1/listings', { token: host.token, body: listingBody() })
    expect(created.status, created.text).toBe(201)
    const listingId = created.json.id as string
    expect(
      (await request('POST', `/api/v1/listings/${listingId}/activate`, { token: host.token })).status,
    ).toBe(200)

    // The public page is cached in Redis; a second read is a hit.
    const first = await request('GET', `/api/v1/listings/${listingId}`)
    const second = await request('GET', `/api/v1/listings/${listingId}`)
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['miss', 'hit'])
    // The rate limiter counts in Redis and says so in the headers.
    expect(Number(second.headers.get('ratelimit-limit'))).toBeGreaterThan(0)

    // A booking with an idempotency key kept in Redis: the retry replays, it does not book twice.
    const now = new Date()
    const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString().slice(0, 10)
    const body = { listing_id: listingId, check_in: day(30), check_out: day(33), guests: 2 }
    const booked = await request('POST', '/api/v1/bookings', { token: guest.token, body, key: `${RUN}-b1` })
    expect(booked.status, booked.text).toBe(201)
    const replay = await request('POST', '/api/v1/bookings', { token: guest.token, body, key: `${RUN}-b1` })
    expect(replay.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.json.id).toBe(booked.json.id)
    const bookingId = booked.json.id as string

    const paid = await request('POST', `/api/v1/bookings/${bookingId}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expect(paid.status, paid.text).toBe(200)
    expect(paid.json.booking.state).toBe('confirmed')
    const cancelled = await request('POST', `/api/v1/bookings/${bookingId}/cancel`, { token: guest.token })
    expect(cancelled.status, cancelled.text).toBe(200)

    // The relay publishes the outbox to RabbitMQ; relaying twice (a crash between publish and
    // mark-sent would do that) must not show the consumer anything twice.
    await api.tick()
    await api.tick()
    const types = () =>
      received
        .filter((e) => e.subject === bookingId)
        .map((e) => e.type.replace(/^innkeeper\.booking\.|\.v1$/g, ''))
    await until('the booking events', () => types().length >= 3)
    expect(types()).toEqual(['requested', 'confirmed', 'cancelled'])
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length)
    expect(received.some((e) => e.type === 'innkeeper.payment.captured.v1')).toBe(true)
    expect(received.some((e) => e.type === 'innkeeper.payment.refunded.v1')).toBe(true)
    expect(tap.stats().deadLettered).toBe(0)

    // The API's notification consumer, fed from RabbitMQ, told both sides.
    const templates = () => notifier.sent().map((n) => n.template)
    await until('the notices', () => templates().includes('booking_cancelled'))
    expect(templates()).toEqual(
      expect.arrayContaining(['booking_requested', 'booking_confirmed', 'booking_cancelled']),
    )

    // The listing's cached page was dropped when its nights changed (events invalidate by tag).
    const after = await request('GET', `/api/v1/listings/${listingId}`)
    expect(after.headers.get('x-cache')).toBe('miss')

    // Rate limits and idempotency keys live in Redis too, under this run's prefix.
    expect((await redis.keys(`${redisPrefix}rl:*`)).length).toBeGreaterThan(0)
    expect((await redis.keys(`${redisPrefix}idem:*`)).length).toBeGreaterThan(0)
  }, 60_000)
})
