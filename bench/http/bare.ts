import Router from '@koa/router'
import Koa from 'koa'

/** Response sizes, in bytes, of the API's answers to each measured request. */
export interface BareBodies {
  /** GET /api/v1/listings/{id}, per id. */
  readonly listing: Readonly<Record<string, number>>
  /** GET /api/v1/listings?…, per path with its query string. */
  readonly search: Readonly<Record<string, number>>
  /** POST /api/v1/bookings (201). */
  readonly booking: number
}

/** A JSON body of exactly `bytes` bytes (at least 12). */
export const paddedJson = (bytes: number): Buffer => {
  const shell = '{"pad":""}'
  return Buffer.from(`{"pad":"${'x'.repeat(Math.max(0, bytes - shell.length))}"}`)
}

/**
 * The bare twin of the API: Koa and @koa/router only, one route per measured API route, each
 * answering a pre-built JSON body of the same byte size as the API's answer to the same request.
 * No middleware, no parsing, no engine: the ceiling a Koa route can reach on this machine.
 */
export const bareApp = (bodies: BareBodies): Koa => {
  const listing = new Map(Object.entries(bodies.listing).map(([id, n]) => [id, paddedJson(n)]))
  const search = new Map(Object.entries(bodies.search).map(([path, n]) => [path, paddedJson(n)]))
  const booking = paddedJson(bodies.booking)
  const koa = new Koa()
  const router = new Router()
  router.get('/api/v1/listings/:id', (ctx) => {
    const body = listing.get(ctx.params.id ?? '')
    if (body === undefined) return
    ctx.type = 'application/json'
    ctx.body = body
  })
  router.get('/api/v1/listings', (ctx) => {
    const body = search.get(ctx.url)
    if (body === undefined) return
    ctx.type = 'application/json'
    ctx.body = body
  })
  router.post('/api/v1/bookings', (ctx) => {
    ctx.status = 201
    ctx.type = 'application/json'
    ctx.body = booking
  })
  koa.use(router.routes())
  return koa
}
