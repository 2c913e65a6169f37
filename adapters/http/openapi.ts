import { Schema } from 'effect'
import type { Route } from './route.js'
import { toSnake } from './wire.js'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonObject = { [k: string]: Json }

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A JSON Schema from an effect Schema, on the wire: property names in snake_case, and objects closed
 * (`additionalProperties: false`), because requests with unknown fields are rejected and responses
 * carry only declared fields. Definitions are lifted into `components.schemas`.
 */
const wireSchema = (schema: Schema.Top, components: JsonObject): Json => {
  const doc = Schema.toJsonSchemaDocument(
    schema as Schema.Codec<unknown, unknown, never, never>,
  ) as unknown as {
    schema: Json
    definitions?: Record<string, Json>
  }
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (!isObject(node)) return node
    const out: JsonObject = {}
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out[k] = v.replace(/^#\/\$defs\//, '#/components/schemas/')
      else if (k === 'properties' && isObject(v))
        out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [toSnake(p), rewrite(s)]))
      else if (k === 'required' && Array.isArray(v))
        out[k] = v.map((p) => (typeof p === 'string' ? toSnake(p) : p))
      else out[k] = rewrite(v)
    }
    if (isObject(out.properties) && out.additionalProperties === true) out.additionalProperties = false
    return out
  }
  for (const [name, def] of Object.entries(doc.definitions ?? {})) components[name] = rewrite(def)
  return rewrite(doc.schema)
}

const problemSchema: JsonObject = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable, machine-readable error code' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
}

const statusText: Record<number, string> = {
  400: 'The request is malformed (field details in `errors`)',
  401: 'No valid access token',
  402: 'The payment was declined',
  403: 'Not allowed',
  404: 'Not found (or not yours)',
  409: 'Conflicts with the current state (unavailable nights, illegal transition …)',
  413: 'The body is too large',
  415: 'The body must be application/json',
  422: 'Semantically invalid, or an idempotency key reused with another body',
  429: 'Too many requests; see Retry-After',
  500: 'Unexpected error; quote the request id',
  503: 'A backing service is unavailable',
}

const problemResponse = (status: number): JsonObject => ({
  description: statusText[status] ?? 'Error',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
})

const parameters = (schema: Schema.Top, where: 'path' | 'query', components: JsonObject): Json[] => {
  const s = wireSchema(schema, components)
  if (!isObject(s) || !isObject(s.properties)) return []
  const required = new Set(Array.isArray(s.required) ? s.required : [])
  return Object.entries(s.properties).map(([name, sch]) => {
    const p: JsonObject = { name, in: where, required: where === 'path' || required.has(name), schema: sch }
    if (isObject(sch) && sch.type === 'array') {
      p.style = 'form'
      p.explode = true
    }
    if (isObject(sch) && typeof sch.description === 'string') p.description = sch.description
    return p
  })
}

export interface OpenApiInfo {
  readonly title: string
  readonly version: string
  readonly description: string
  readonly serverUrl?: string
}

/** OpenAPI 3.1 for the routes, generated from the same schemas that decode requests and encode responses. */
export const openApiDocument = (routes: readonly Route[], prefix: string, info: OpenApiInfo): JsonObject => {
  const components: JsonObject = { Problem: problemSchema }
  const paths: JsonObject = {}
  for (const { spec } of routes) {
    const op: JsonObject = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [...spec.tags],
    }
    if (spec.description !== undefined) op.description = spec.description
    const params: Json[] = []
    if (spec.params) params.push(...parameters(spec.params, 'path', components))
    if (spec.query) params.push(...parameters(spec.query, 'query', components))
    if (spec.idempotent)
      params.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Makes a retry safe: the same key and body return the first response (kept 24 h).',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      })
    if (params.length > 0) op.parameters = params
    if (spec.body)
      op.requestBody = {
        required: spec.bodyOptional !== true,
        content: { 'application/json': { schema: wireSchema(spec.body, components) } },
      }
    else if (spec.rawBody)
      op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } }
    const responses: JsonObject = {}
    responses[String(spec.success.status)] = spec.success.schema
      ? {
          description: spec.success.description,
          content: { 'application/json': { schema: wireSchema(spec.success.schema, components) } },
        }
      : { description: spec.success.description }
    const statuses = new Set<number>([...spec.errors, 400, 429, 500])
    // An optional token is still checked when sent: a bad one is a 401 there too.
    if (spec.auth !== 'public') statuses.add(401)
    // Every authenticated write checks the account is active: a suspended user's is a 403.
    if (spec.auth !== 'public' && spec.method !== 'get') statuses.add(403)
    // The body parser runs for every method that may carry a body, whether the route reads one or not.
    if (spec.method !== 'get') {
      statuses.add(413)
      statuses.add(415)
    }
    if (spec.idempotent) statuses.add(422).add(409)
    for (const s of [...statuses].sort()) responses[String(s)] = problemResponse(s)
    op.responses = responses
    if (spec.auth === 'user') op.security = [{ bearerAuth: [] }]
    else if (spec.auth === 'optional') op.security = [{}, { bearerAuth: [] }]
    else op.security = []
    const path = `${prefix}${spec.path}`
    const item = (isObject(paths[path]) ? paths[path] : {}) as JsonObject
    item[spec.method] = op
    paths[path] = item
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    ...(info.serverUrl === undefined ? {} : { servers: [{ url: info.serverUrl }] }),
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  }
}
