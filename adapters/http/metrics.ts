import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

/** Prometheus metrics of one app (its own registry, so two apps in one process never collide). */
export class HttpMetrics {
  readonly registry = new Registry()
  private readonly requests: Counter<'method' | 'route' | 'status'>
  private readonly latency: Histogram<'method' | 'route'>
  private readonly bookings: Counter<'event'>
  private readonly payments: Counter<'event'>
  private readonly events: Counter<'type'>

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry })
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    })
    this.latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    })
    this.bookings = new Counter({
      name: 'innkeeper_bookings_total',
      help: 'Booking lifecycle events (requested, confirmed, cancelled, expired …)',
      labelNames: ['event'],
      registers: [this.registry],
    })
    this.payments = new Counter({
      name: 'innkeeper_payments_total',
      help: 'Payment events (created, authorized, captured, failed, refunded …)',
      labelNames: ['event'],
      registers: [this.registry],
    })
    this.events = new Counter({
      name: 'innkeeper_domain_events_total',
      help: 'Domain events published, by type',
      labelNames: ['type'],
      registers: [this.registry],
    })
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) })
    this.latency.observe({ method, route }, seconds)
  }

  /** Counts a published domain event (`innkeeper.booking.confirmed.v1` → bookings{event="confirmed"}). */
  observeEvent(type: string): void {
    this.events.inc({ type })
    const m = /^innkeeper\.(booking|payment)\.([a-z_]+)\.v\d+$/.exec(type)
    if (m?.[1] === 'booking' && m[2]) this.bookings.inc({ event: m[2] })
    if (m?.[1] === 'payment' && m[2]) this.payments.inc({ event: m[2] })
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * The request listener of the internal metrics port: `GET /metrics` answers the Prometheus text,
 * anything else 404 (405 for another method on /metrics). With a token, a scrape without
 * `Authorization: Bearer <token>` (scheme in any case) gets 401; tokens are compared in constant time.
 */
export const metricsListener =
  (metrics: HttpMetrics, token: string | null) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        ...headers,
      })
      res.end(body)
    }
    const path = (req.url ?? '/').split('?')[0]
    const m = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (path !== '/metrics') answer(404, 'not found\n')
    else if (req.method !== 'GET' && req.method !== 'HEAD')
      answer(405, 'method not allowed\n', { allow: 'GET, HEAD' })
    else if (token !== null && (m?.[1] === undefined || !timingSafeEqual(digest(m[1]), digest(token))))
      answer(401, 'unauthorized\n', { 'www-authenticate': 'Bearer realm="metrics"' })
    else
      metrics.text().then(
        (text) => answer(200, text, { 'content-type': metrics.contentType }),
        () => answer(500, 'metrics unavailable\n'),
      )
  }
