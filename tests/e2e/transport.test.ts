import { connect, type Socket } from 'node:net'
import { Result } from 'effect'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadApiConfig } from '../../apps/api/config.js'
import { DEMO_PASSWORD, seedDemo } from '../../apps/api/seed.js'
import { type ApiServer, type ApiServerOptions, startApiServer } from '../../apps/api/server.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { T0 } from './support/api.js'

/*
 * Issue 15 item 5, transport hygiene: slow clients are bounded by the server's timeouts (headers,
 * whole request, idle keep-alive), `/metrics` lives on an internal port of its own (optionally behind
 * a token), and `/health/ready` says ready only once the start-up work (the demo seed) is done.
 */

const serve = async (
  env: Record<string, string>,
  extra: Partial<Omit<ApiServerOptions, 'config'>> = {},
): Promise<ApiServer> => {
  const loaded = loadApiConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INNKEEPER_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    INNKEEPER_SEED: 'false',
    ...env,
  })
  if (!Result.isSuccess(loaded)) throw new Error(loaded.failure.join('; '))
  return startApiServer({
    config: loaded.success,
    engine: createInMemoryEngine({ start: T0, idNamespace: 'transport', passwordHashCost: 2 ** 10 }),
    background: false,
    rateLimits: false,
    loginLimits: false,
    ...extra,
  })
}

interface Outcome {
  /** The status line the server wrote before closing, if any. */
  readonly status: number | null
  /** Milliseconds from the last byte sent to the connection's close. */
  readonly closedAfterMs: number
}

/** Opens a raw connection, sends `bytes`, and waits for the server to close it (or `giveUpMs`). */
const sendAndWaitForClose = (url: string, bytes: string, giveUpMs: number): Promise<Outcome> => {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    let received = ''
    let sentAt = 0
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(bytes, () => {
        sentAt = Date.now()
      })
    })
    const giveUp = setTimeout(() => {
      socket.destroy()
      reject(new Error(`still open after ${giveUpMs} ms`))
    }, giveUpMs)
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1')
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(giveUp)
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received)
      resolve({ status: m ? Number(m[1]) : null, closedAfterMs: Date.now() - sentAt })
    })
  })
}

describe('server timeouts (INNKEEPER_HEADERS_TIMEOUT_MS, _REQUEST_TIMEOUT_MS, _KEEP_ALIVE_TIMEOUT_MS)', () => {
  let api: ApiServer
  const HEADERS_MS = 400
  const REQUEST_MS = 800
  const KEEP_ALIVE_MS = 300
  beforeAll(async () => {
    api = await serve({
      INNKEEPER_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      INNKEEPER_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      INNKEEPER_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
    })
  })
  afterAll(() => api.close())
  const host = () => new URL(api.url).host

  it('a body that stops coming (Content-Length: 100, 10 bytes sent) is answered 408 and closed within the request timeout', async () => {
    const out = await sendAndWaitForClose(
      api.url,
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":"`,
      10_000,
    )
    process.stdout.write(`slow body: ${out.status} after ${out.closedAfterMs} ms (bound ${REQUEST_MS} ms)\n`)
    expect(out.status).toBe(408)
    // The request timeout counts from the first byte; Node checks every quarter of the bound (and a
    // shared, loaded machine adds its delays): far below the minutes such a body used to hold on.
    expect(out.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100)
    expect(out.closedAfterMs).toBeLessThanOrEqual(REQUEST_MS * 1.25 + 1_000)
  })

  it('headers that stop coming are answered 408 and closed within the headers timeout', async () => {
    const out = await sendAndWaitForClose(
      api.url,
      `GET /health/live HTTP/1.1\r\nHost: ${host()}\r\nX-Slow: `,
      10_000,
    )
    process.stdout.write(
      `slow headers: ${out.status} after ${out.closedAfterMs} ms (bound ${HEADERS_MS} ms)\n`,
    )
    expect(out.status).toBe(408)
    expect(out.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_MS - 100)
    expect(out.closedAfterMs).toBeLessThanOrEqual(HEADERS_MS * 1.25 + 1_000)
  })

  it('an idle keep-alive connection is closed after the keep-alive timeout (plus the 1 s margin Node 20 adds)', async () => {
    const out = await sendAndWaitForClose(
      api.url,
      `GET /health/live HTTP/1.1\r\nHost: ${host()}\r\nConnection: keep-alive\r\n\r\n`,
      10_000,
    )
    process.stdout.write(
      `idle keep-alive: closed after ${out.closedAfterMs} ms (bound ${KEEP_ALIVE_MS} ms)\n`,
    )
    expect(out.status).toBe(200)
    expect(out.closedAfterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 50)
    expect(out.closedAfterMs).toBeLessThanOrEqual(KEEP_ALIVE_MS + 1_000 + 1_000)
  })

  it('a complete request is not cut by the timeouts', async () => {
    const res = await fetch(`${api.url}/health/live`)
    expect(res.status).toBe(200)
  })

  it('the configuration refuses a headers timeout longer than the request timeout, and says the defaults', () => {
    const bad = loadApiConfig({
      INNKEEPER_HEADERS_TIMEOUT_MS: '20000',
      INNKEEPER_REQUEST_TIMEOUT_MS: '10000',
    })
    expect(Result.isFailure(bad) && bad.failure.join('\n')).toMatch(/INNKEEPER_HEADERS_TIMEOUT_MS: 20000/)
    const tooSmall = loadApiConfig({ INNKEEPER_REQUEST_TIMEOUT_MS: '5' })
    expect(Result.isFailure(tooSmall) && tooSmall.failure.join('\n')).toMatch(/INNKEEPER_REQUEST_TIMEOUT_MS/)
    const dflt = loadApiConfig({})
    expect(Result.isSuccess(dflt) && dflt.success.timeouts).toEqual({
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5_000,
    })
  })
})

describe('/metrics on an internal port (INNKEEPER_METRICS_PORT, INNKEEPER_METRICS_TOKEN)', () => {
  it('the public API port has no /metrics; the internal port serves it', async () => {
    const api = await serve({})
    try {
      const pub = await fetch(`${api.url}/metrics`)
      expect(pub.status).toBe(404)
      expect(await pub.text()).not.toContain('http_requests_total')
      expect(api.metricsUrl).not.toBe(api.url)
      const internal = await fetch(`${api.metricsUrl}/metrics`)
      expect(internal.status).toBe(200)
      expect(internal.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      expect(await internal.text()).toContain(
        'http_requests_total{method="GET",route="unmatched",status="404"}',
      )
      // Nothing else is served there.
      expect((await fetch(`${api.metricsUrl}/api/v1/listings`)).status).toBe(404)
      expect((await fetch(`${api.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405)
    } finally {
      await api.close()
    }
  })

  it('with a token, a scrape without the right bearer token gets 401; with it (scheme in any case), 200', async () => {
    const token = 'scrape-token-0123456789abcdef'
    const api = await serve({ INNKEEPER_METRICS_TOKEN: token })
    try {
      const none = await fetch(`${api.metricsUrl}/metrics`)
      expect(none.status).toBe(401)
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(
        (await fetch(`${api.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status,
      ).toBe(401)
      for (const scheme of ['Bearer', 'bearer'])
        expect(
          (await fetch(`${api.metricsUrl}/metrics`, { headers: { authorization: `${scheme} ${token}` } }))
            .status,
        ).toBe(200)
    } finally {
      await api.close()
    }
  })

  it('the configuration: port 9464 by default, ephemeral with PORT=0, never the API port, tokens of 16+ characters', () => {
    const dflt = loadApiConfig({})
    expect(Result.isSuccess(dflt) && dflt.success.metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
      token: null,
    })
    const eph = loadApiConfig({ PORT: '0' })
    expect(Result.isSuccess(eph) && eph.success.metrics.port).toBe(0)
    const same = loadApiConfig({ PORT: '8080', INNKEEPER_METRICS_PORT: '8080' })
    expect(Result.isFailure(same) && same.failure.join('\n')).toMatch(
      /INNKEEPER_METRICS_PORT: 8080 is the API port/,
    )
    const short = loadApiConfig({ INNKEEPER_METRICS_TOKEN: 'short' })
    expect(Result.isFailure(short) && short.failure.join('\n')).toMatch(/INNKEEPER_METRICS_TOKEN/)
  })
})

describe('readiness waits for the start-up work', () => {
  it('/health/ready answers 503 while a slow demo seed runs, and the first login after ready succeeds', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const api = await serve(
      {},
      {
        // A slow seed: it waits at the gate before making the demo accounts.
        startup: async (server) => {
          await gate
          return seedDemo(server.engine)
        },
      },
    )
    try {
      const ready = () => fetch(`${api.url}/health/ready`).then((r) => r.status)
      expect(await ready()).toBe(503)
      expect((await fetch(`${api.url}/health/live`)).status).toBe(200)
      release()
      const statuses: number[] = []
      let status = await ready()
      while (status !== 200) {
        statuses.push(status)
        await new Promise((r) => setTimeout(r, 5))
        status = await ready()
      }
      // The very first login once ready finds the seeded account.
      const login = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'guest@innkeeper.example', password: DEMO_PASSWORD }),
      })
      expect(login.status).toBe(200)
      expect(statuses.every((s) => s === 503)).toBe(true)
      expect(await api.started).toMatchObject({ listings: expect.any(Number) })
    } finally {
      await api.close()
    }
  })

  it('a failed start-up leaves the server unready and rejects `started`', async () => {
    const api = await serve({}, { startup: async () => Promise.reject(new Error('seed failed')) })
    try {
      await expect(api.started).rejects.toThrow('seed failed')
      expect((await fetch(`${api.url}/health/ready`)).status).toBe(503)
    } finally {
      await api.close()
    }
  })

  it('without start-up work the server is ready at once', async () => {
    const api = await serve({})
    try {
      expect((await fetch(`${api.url}/health/ready`)).status).toBe(200)
    } finally {
      await api.close()
    }
  })
})
