import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http'
import helmet, { type HelmetOptions } from 'helmet'
import type Koa from 'koa'

/** What helmet does to a response, recorded once. */
export interface SecurityHeaders {
  readonly set: readonly (readonly [name: string, value: OutgoingHttpHeader])[]
  readonly removed: readonly string[]
}

/**
 * Runs helmet once against a recording response and returns the headers it sets and removes.
 *
 * Helmet's headers depend only on its options as long as no directive is a function (a CSP nonce,
 * say): then they are the same on every response, and setting a list is a fraction of the cost of
 * running helmet's thirteen middlewares on every request. Should helmet ever read the request, or
 * not finish at once, this throws at start-up rather than serve wrong headers.
 */
export const recordSecurityHeaders = (options: HelmetOptions): SecurityHeaders => {
  const set: [string, OutgoingHttpHeader][] = []
  const removed: string[] = []
  const request = new Proxy(
    {},
    {
      get: (_target, key) => {
        throw new Error(
          `helmet read the request (${String(key)}): its headers differ per request and cannot be computed once`,
        )
      },
    },
  ) as IncomingMessage
  const response = {
    setHeader: (name: string, value: OutgoingHttpHeader) => {
      const i = set.findIndex(([n]) => n.toLowerCase() === name.toLowerCase())
      if (i >= 0) set.splice(i, 1)
      set.push([name, value])
    },
    removeHeader: (name: string) => {
      const i = set.findIndex(([n]) => n.toLowerCase() === name.toLowerCase())
      if (i >= 0) set.splice(i, 1)
      removed.push(name)
    },
  } as unknown as ServerResponse
  let finished = false
  helmet(options)(request, response, (err?: unknown) => {
    if (err !== undefined) throw err
    finished = true
  })
  if (!finished) throw new Error('helmet did not finish at once: its headers cannot be computed once')
  return { set, removed }
}

/** Koa middleware that sets helmet's headers (computed once by `recordSecurityHeaders`). */
export const securityHeaders = (options: HelmetOptions): Koa.Middleware => {
  const { set, removed } = recordSecurityHeaders(options)
  return (ctx, next) => {
    const res = ctx.res
    for (const name of removed) res.removeHeader(name)
    for (const [name, value] of set) res.setHeader(name, value)
    return next()
  }
}
