import type Router from '@koa/router'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_PREFIX } from '../../adapters/http/index.js'
import { startTestApi, type TestApi } from './support/api.js'
import { type OpenApiDoc, operationsOf } from './support/operations.js'

/*
 * Rule (issue 3): the OpenAPI document the server serves is a valid OpenAPI 3.1 document (checked by
 * a real validator, not by us), every operation is named, and it documents exactly the routes the
 * app answers: no undocumented route, no documented route the app does not serve.
 */

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
const spec = (v: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(v)) as Record<string, unknown>

describe('OpenAPI document', () => {
  let api: TestApi
  let doc: OpenApiDoc
  beforeAll(async () => {
    api = await startTestApi()
    const res = await fetch(`${api.url}/openapi.json`)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    doc = (await res.json()) as OpenApiDoc
  })
  afterAll(() => api.close())

  // HTTP first: the validator and Ajv below block the event loop for seconds, which would leave
  // the client holding keep-alive sockets the server has meanwhile closed.
  it('every documented operation is answered by its route (never the unmatched-route 404)', async () => {
    for (const { path, method } of operationsOf(doc)) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x1')
      const res = await api.request(method.toUpperCase(), concrete)
      expect(res.headers.get('content-type') ?? '', `${method} ${path}`).not.toBe('')
      expect(res.json?.code, `${method} ${path}: ${res.text}`).not.toBe('not_found')
      expect(res.status, `${method} ${path}`).toBeLessThan(500)
    }
  })

  it('is valid OpenAPI 3.1 according to @seriousme/openapi-schema-validator', async () => {
    const result = await new Validator().validate(spec(doc))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(doc.openapi).toMatch(/^3\.1\./)
  })

  it('the validator is not a rubber stamp: it rejects broken copies of the document', async () => {
    const noInfo = spec(doc)
    delete noInfo.info
    expect((await new Validator().validate(noInfo)).valid).toBe(false)

    const badResponse = clone(doc)
    const first = operationsOf(badResponse)[0]
    if (!first) throw new Error('no operations')
    const op = badResponse.paths[first.path]?.[first.method] as { responses: Record<string, unknown> }
    op.responses['200'] = { content: {} } // a response without its required description
    expect((await new Validator().validate(spec(badResponse))).valid).toBe(false)

    const badParam = clone(doc) as { paths: Record<string, Record<string, { parameters?: unknown[] }>> }
    const withParams = Object.values(badParam.paths)
      .flatMap((item) => Object.values(item))
      .find((o) => Array.isArray(o.parameters))
    if (!withParams) throw new Error('no operation with parameters')
    withParams.parameters = [{ name: 'x', in: 'nowhere', schema: { type: 'string' } }]
    expect((await new Validator().validate(badParam)).valid).toBe(false)
  })

  it('every schema in it compiles as JSON Schema 2020-12 (strict Ajv), $refs resolved', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true })
    ;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
    ajv.addKeyword('example')
    const components = doc.components.schemas
    ajv.addSchema({ $id: 'components', $defs: components })
    const fix = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(fix)
      if (typeof node !== 'object' || node === null) return node
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [
          k,
          k === '$ref' && typeof v === 'string'
            ? v.replace('#/components/schemas/', 'components#/$defs/')
            : fix(v),
        ]),
      )
    }
    let compiled = 0
    const seen = new Set<string>()
    for (const { path, method, op } of operationsOf(doc)) {
      const schemas: unknown[] = []
      for (const p of op.parameters ?? []) schemas.push(p.schema)
      for (const media of Object.values(op.requestBody?.content ?? {})) schemas.push(media.schema)
      for (const r of Object.values(op.responses))
        for (const media of Object.values(r.content ?? {})) schemas.push(media.schema)
      for (const s of schemas) {
        const key = JSON.stringify(s)
        if (seen.has(key)) continue
        seen.add(key)
        expect(() => ajv.compile(fix(s) as object), `${method} ${path}`).not.toThrow()
        compiled++
      }
    }
    expect(compiled).toBeGreaterThan(50)
  })

  it('every operation has a unique operationId, a summary, tags, responses and a security requirement', () => {
    const ops = operationsOf(doc)
    expect(ops.length).toBeGreaterThanOrEqual(40)
    const ids = ops.map((o) => o.op.operationId)
    for (const { path, method, op } of ops) {
      expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/)
      expect(op.summary, `${method} ${path}`).toBeTruthy()
      expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0)
      expect(Array.isArray(op.security), `${method} ${path}`).toBe(true)
      const statuses = Object.keys(op.responses)
      expect(
        statuses.some((s) => s.startsWith('2')),
        `${method} ${path} has a success`,
      ).toBe(true)
      // Errors are problem+json, and the statuses every route may return are documented everywhere.
      // Issue 15: 503 (a backing service down) and Node's own 408 and 431 are possible everywhere too.
      for (const s of ['400', '408', '429', '431', '500', '503'])
        expect(statuses, `${method} ${path}`).toContain(s)
      // Node's HTTP server answers 408 and 431 itself, without a body: shared body-less responses.
      for (const s of ['408', '431'])
        expect(op.responses[s], `${method} ${path} ${s}`).toEqual({
          $ref: `#/components/responses/Status${s}`,
        })
      for (const s of statuses.filter((x) => Number(x) >= 400 && x !== '408' && x !== '431'))
        expect(Object.keys(op.responses[s]?.content ?? {}), `${method} ${path} ${s}`).toEqual([
          'application/problem+json',
        ])
      // Anything that checks a token (required or optional) may answer 401.
      if (op.security?.some((r) => 'bearerAuth' in r)) expect(statuses, `${method} ${path}`).toContain('401')
      // Any method that can carry a body may be refused for its size or type.
      if (method !== 'get')
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']))
    }
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('documents exactly the routes the Koa app serves under /api/v1', () => {
    // The routers mounted on the app (koa-router tags its dispatch middleware with the router).
    const routers = api.server.app.koa.middleware
      .map((m) => (m as unknown as { router?: Router }).router)
      .filter((r): r is Router => r !== undefined)
    const served = routers
      .flatMap((r) => r.stack.flatMap((layer) => layer.methods.map((m) => [m, String(layer.path)] as const)))
      .filter(([m, p]) => p.startsWith(`${API_PREFIX}/`) && m !== 'HEAD')
      .map(([m, p]) => `${m.toLowerCase()} ${p.replace(/:([A-Za-z_]+)/g, (_, n: string) => `{${n}}`)}`)
      .sort()
    const documented = operationsOf(doc)
      .map((o) => `${o.method} ${o.path}`)
      .sort()
    expect(served.length).toBeGreaterThanOrEqual(40)
    expect(served).toEqual(documented)
  })

  it('every response above matched the document', () => {
    expect(api.violations).toEqual([])
  })
})
