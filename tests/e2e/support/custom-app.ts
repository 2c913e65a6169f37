import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { Effect } from 'effect'
import { pino } from 'pino'
import {
  AccessTokens,
  createHttpApp,
  type HttpApp,
  type HttpAppOptions,
  HttpMetrics,
  type Route,
} from '../../../adapters/http/index.js'
import { InMemoryIdempotencyStore, InMemoryRateLimiter, ManualClock } from '../../../adapters/memory/index.js'
import { T0 } from './api.js'

export const TEST_JWT = {
  secret: 'test-secret-test-secret-test-secret-0123',
  issuer: 'innkeeper',
  audience: 'innkeeper-api',
} as const

export interface CustomApp {
  readonly url: string
  readonly app: HttpApp
  readonly clock: ManualClock
  readonly tokens: AccessTokens
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[]
  close(): Promise<void>
}

/**
 * `createHttpApp` with a route list of the test's own (for failures the real routes cannot produce,
 * such as a use case that dies), on in-memory rate limiter and idempotency store, listening on an
 * ephemeral port. Its logs are captured instead of printed.
 */
export const startCustomApp = async (
  routes: readonly Route[],
  options: Partial<Omit<HttpAppOptions, 'routes' | 'tokens' | 'metrics' | 'logger'>> = {},
): Promise<CustomApp> => {
  const clock = new ManualClock(T0)
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const tokens = new AccessTokens(TEST_JWT, clock)
  const app = createHttpApp({
    routes,
    tokens,
    // The custom routes' callers have no accounts to be suspended.
    authorizeWrite: () => Effect.void,
    rateLimiter: new InMemoryRateLimiter(clock),
    idempotency: new InMemoryIdempotencyStore(clock),
    metrics: new HttpMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'info' }, sink),
    info: { title: 'custom', version: '0.0.0', description: 'a test app' },
    rateLimits: false,
    ...options,
  })
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.koa.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    clock,
    tokens,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
