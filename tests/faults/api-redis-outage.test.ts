import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutageReport } from '../../adapters/redis/index.js'
import { type ApiServer, startApiServer } from '../../apps/api/server.js'
import {
  createInfrastructure,
  defaultInfrastructureConfig,
  type Infrastructure,
} from '../../apps/composition/infrastructure.js'
import { listingBody, PASSWORD, testApiConfig } from '../e2e/support/api.js'
import { PrivateRedis } from '../support/private-redis.js'

/**
 * The API with its response cache and rate limiter on a Redis of this test's own, killed (kill -9)
 * while clients read (issue 16, item 1: "a Redis outage takes the whole API down with 500s"). With
 * the degraded modes the API's composition installs, public listing pages, searches and the
 * signed-in guest's own bookings keep answering 200 from the source, rate limits keep applying per
 * process, and the outage is reported once per port.
 */
let redis: PrivateRedis
let infra: Infrastructure
let api: ApiServer
const reports: OutageReport[] = []

const request = async (path: string, o: { token?: string; body?: unknown; method?: string } = {}) => {
  const headers: Record<string, string> = {}
  if (o.token) headers.authorization = `Bearer ${o.token}`
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${api.url}${path}`, {
    method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
  })
  const text = await res.text()
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) }
}

beforeAll(async () => {
  redis = await PrivateRedis.start(false)
  infra = await createInfrastructure(
    {
      ...defaultInfrastructureConfig,
      redisUrl: redis.url,
      redisPrefix: 'outage:',
      cache: 'redis',
      rateLimiter: 'redis',
      idempotency: 'redis',
      sessions: 'redis',
    },
    { degrade: true, onOutage: (r) => reports.push(r) },
  )
  const config = testApiConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INNKEEPER_JWT_SECRET: 'api-outage-secret-api-outage-secret-0123',
    INNKEEPER_SEED: 'false',
  })
  api = await startApiServer({
    config,
    ports: infra.ports,
    engineOptions: { passwordHashCost: 2 ** 10 },
    background: false,
    loginLimits: false,
  })
}, 60_000)

afterAll(async () => {
  await api?.close()
  await infra?.close()
  await redis?.dispose()
})

describe('Redis killed under the API', () => {
  it('listing pages, searches and a guest’s bookings keep answering 200, the outage is reported once per port; login and keyed bookings get 503, not 500, and nothing is booked', async () => {
    const account = async (key: string, roles: string[]) => {
      const email = `${key}@outage.example`
      const reg = await request('/api/v1/auth/register', {
        body: { email, password: PASSWORD, name: key, roles },
      })
      expect(reg.status).toBe(201)
      const login = await request('/api/v1/auth/login', { body: { email, password: PASSWORD } })
      expect(login.status).toBe(200)
      return login.json.access_token as string
    }
    const host = await account('host', ['guest', 'host'])
    const guest = await account('guest', ['guest'])
    const created = await request('/api/v1/listings', { token: host, body: listingBody() })
    expect(created.status).toBe(201)
    const id = created.json.id as string
    expect((await request(`/api/v1/listings/${id}/activate`, { token: host, method: 'POST' })).status).toBe(
      200,
    )
    const city = created.json.address?.city ?? created.json.city
    const reads = [
      `/api/v1/listings/${id}`,
      `/api/v1/listings?city=${encodeURIComponent(String(city))}`,
      `/api/v1/listings/${id}/reviews`,
    ]
    for (const path of reads) expect((await request(path)).status).toBe(200)

    await redis.kill()
    const statuses: number[] = []
    for (let round = 0; round < 10; round++)
      for (const path of reads) statuses.push((await request(path)).status)
    statuses.push((await request('/api/v1/bookings', { token: guest })).status)
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect(reports.map((r) => `${r.port}:${r.state}`).sort()).toEqual(['cache:down', 'rate-limiter:down'])

    // Sessions and idempotency keys cannot degrade: 503 with Retry-After, never 500, and nothing done.
    const login = await request('/api/v1/auth/login', {
      body: { email: 'guest@outage.example', password: PASSWORD },
    })
    expect(login.status).toBe(503)
    expect(login.json.code).toBe('service_unavailable')
    const keyed = await fetch(`${api.url}/api/v1/bookings`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${guest}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-1',
      },
      body: JSON.stringify({ listing_id: id, check_in: '2026-06-01', check_out: '2026-06-03', guests: 1 }),
    })
    expect(keyed.status).toBe(503)
    expect(keyed.headers.get('retry-after')).toBe('5')
    const mine = await request('/api/v1/bookings', { token: guest })
    expect(mine.json.items).toEqual([])
  }, 60_000)
})
