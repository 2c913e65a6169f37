/**
 * Rule: the API's security headers are helmet's, exactly. The app computes them once at start
 * (`recordSecurityHeaders`) instead of running helmet on every request; this checks that the headers
 * a real response gets that way are the ones helmet's own middleware writes on a real response, and
 * that options whose headers would differ per request are refused at start-up.
 */
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import helmet from 'helmet'
import Koa from 'koa'
import { describe, expect, it } from 'vitest'
import { SECURITY_HEADERS } from '../../adapters/http/app.js'
import { recordSecurityHeaders, securityHeaders } from '../../adapters/http/security-headers.js'

/** The headers of one GET answered by `listener` on an ephemeral port (Date and connection headers left out). */
const headersOf = async (listener: RequestListener): Promise<IncomingHttpHeaders> => {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address() as AddressInfo
    const res = await fetch(`http://127.0.0.1:${port}/x`)
    await res.text()
    const out: IncomingHttpHeaders = {}
    for (const [k, v] of res.headers) if (!['date', 'connection', 'keep-alive'].includes(k)) out[k] = v
    return out
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe('security headers computed once', () => {
  it("a response gets exactly the headers helmet's own middleware writes, for the app's options", async () => {
    const byHelmet = await headersOf((req, res) => {
      helmet(SECURITY_HEADERS)(req, res, () => {
        res.setHeader('content-type', 'text/plain')
        res.end('ok')
      })
    })
    const koa = new Koa()
    koa.use(securityHeaders(SECURITY_HEADERS))
    koa.use((ctx) => {
      ctx.type = 'text/plain'
      ctx.body = 'ok'
    })
    const byApp = await headersOf(koa.callback())
    expect(byHelmet['content-security-policy']).toContain("default-src 'self'")
    expect(byHelmet['strict-transport-security']).toMatch(/max-age=\d+/)
    // Koa adds its own content-type charset and length; compare every header helmet wrote.
    for (const [name, value] of Object.entries(byHelmet))
      if (!['content-type', 'content-length'].includes(name)) expect(byApp[name], name).toBe(value)
    const helmetNames = Object.keys(byHelmet).filter((n) => !['content-type', 'content-length'].includes(n))
    const appNames = Object.keys(byApp).filter((n) => !['content-type', 'content-length'].includes(n))
    expect(appNames.sort()).toEqual(helmetNames.sort())
  })

  it('an option that makes headers differ per request (a CSP directive function) is refused at start-up', () => {
    expect(() =>
      recordSecurityHeaders({
        contentSecurityPolicy: { directives: { scriptSrc: ["'self'", (req) => `'nonce-${req.url}'`] } },
      }),
    ).toThrow(/read the request|cannot be computed once/)
  })

  it('a header helmet removes (X-Powered-By) is removed from every response', async () => {
    const recorded = recordSecurityHeaders(SECURITY_HEADERS)
    expect(recorded.removed.map((n) => n.toLowerCase())).toContain('x-powered-by')
    const koa = new Koa()
    koa.use(async (ctx, next) => {
      ctx.set('X-Powered-By', 'something')
      await next()
    })
    koa.use(securityHeaders(SECURITY_HEADERS))
    koa.use((ctx) => {
      ctx.body = 'ok'
    })
    expect((await headersOf(koa.callback()))['x-powered-by']).toBeUndefined()
  })
})
