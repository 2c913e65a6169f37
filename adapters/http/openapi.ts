import { Schema } from 'effect'
import { IDEMPOTENCY_KEY_SCHEMA } from './idempotency.js'
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
  408: "The request's headers or body did not arrive in time (sent by Node's HTTP server, without a body)",
  409: 'Conflicts with the current state (unavailable nights, illegal transition …)',
  413: 'The body is too large',
  415: 'The body must be application/json',
  422: 'Semantically invalid, or an idempotency key reused with another body',
  429: 'Too many requests; see Retry-After',
  431: "The request's headers are too large (sent by Node's HTTP server, without a body)",
  500: 'Unexpected error; quote the request id',
  503: 'A backing service (rate limiter, idempotency store, sessions, payment provider …) is unavailable; see Retry-After',
}

/** Statuses Node's HTTP server answers itself, before the app runs: no body, no app headers. */
const TRANSPORT_STATUSES = new Set([408, 431])

const integerHeader = (description: string): JsonObject => ({
  description,
  schema: { type: 'integer', minimum: 0 },
})

/** Every response header the API sends (components.headers). */
const HEADERS: JsonObject = {
  'X-Request-Id': {
    description: "The request's id: the client's `X-Request-Id` when well-formed, else a new one",
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
  'RateLimit-Limit': integerHeader(
    'Requests allowed in a burst by the tighter of the per-IP and per-user limits',
  ),
  'RateLimit-Remaining': integerHeader('Requests left in the current burst'),
  'RateLimit-Reset': integerHeader('Seconds until the burst is fully available again'),
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer', minimum: 1 },
  },
  Location: {
    description: 'The URL path of the created resource',
    schema: { type: 'string', pattern: '^/api/v1/' },
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when the response is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  'Cache-Control': {
    description: 'Tokens and every answer to a signed-in caller are `no-store`',
    schema: { type: 'string', enum: ['no-store'] },
  },
  'WWW-Authenticate': {
    description: 'The Bearer challenge of a refused access token (RFC 6750)',
    schema: { type: 'string' },
  },
  'X-Cache': {
    description: 'Whether the public response cache answered (`hit`) or the engine did (`miss`)',
    schema: { type: 'string', enum: ['hit', 'miss'] },
  },
}

const headerRef = (name: string): JsonObject => ({ $ref: `#/components/headers/${name}` })

/** The headers a response of an operation may carry. */
const responseHeaders = (spec: Route['spec'], status: number): JsonObject => {
  const names = ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']
  if (status === 401) names.push('WWW-Authenticate')
  if (status === 429 || status === 503 || (status === 409 && spec.idempotent === true))
    names.push('Retry-After')
  if (spec.auth !== 'public' || spec.path.startsWith('/auth/')) names.push('Cache-Control')
  if (spec.idempotent === true && status < 500) names.push('Idempotent-Replayed')
  if (status === spec.success.status) names.push(...(spec.success.headers ?? []))
  return Object.fromEntries(names.map((n) => [n, headerRef(n)]))
}

const problemResponse = (spec: Route['spec'], status: number): JsonObject =>
  TRANSPORT_STATUSES.has(status)
    ? { $ref: `#/components/responses/Status${status}` }
    : {
        description: statusText[status] ?? 'Error',
        headers: responseHeaders(spec, status),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }

/** What each tag groups (the document's `tags`). */
const TAGS: Readonly<Record<string, string>> = {
  auth: 'Accounts, sign-in, token refresh and logout, password reset and e-mail verification',
  users: 'Your account and profile, saved guest profiles, and public profiles',
  wishlist: 'Listings you saved',
  listings: 'Listings: search, details, the host’s editing, calendar and quotes',
  bookings: 'Booking a stay, paying, changing and cancelling it, and the host’s answers',
  payments: 'Payments and the payment provider’s webhooks',
  reviews: 'Double-blind reviews after a stay, and host responses',
  host: 'A host’s bookings, reports and payouts',
  admin: 'Administration: accounts and reviews',
}

/** The operation's description: what it does, then who may call it. */
const describe = (spec: Route['spec']): string => {
  const what = spec.description ?? `${spec.summary}.`
  const who =
    spec.auth === 'public'
      ? 'No token needed.'
      : spec.auth === 'optional'
        ? 'A token is optional; a signed-in caller may see more.'
        : spec.roles === undefined
          ? 'Requires a signed-in user.'
          : `Requires a signed-in user with the role ${spec.roles.join(' or ')}.`
  const strict = spec.query === undefined ? '' : ' Query parameters not listed here are refused (400).'
  return `${what}\n\n${who}${strict}`
}

const parameters = (schema: Schema.Top, where: 'path' | 'query', components: JsonObject): Json[] => {
  const s = wireSchema(schema, components)
  if (!isObject(s) || !isObject(s.properties)) return []
  const required = new Set(Array.isArray(s.required) ? s.required : [])
  return Object.entries(s.properties).map(([name, sch]) => {
    const p: JsonObject = { name, in: where, required: where === 'path' || required.has(name), schema: sch }
    if (isObject(sch) && typeof sch.description === 'string') p.description = sch.description
    if (isObject(sch) && sch.type === 'array') {
      p.style = 'form'
      p.explode = true
      // The adapter also splits each value on commas (`?amenities=wifi,pool`): a value has none.
      const items = sch.items
      if (isObject(items) && !Array.isArray(items.enum))
        p.schema = { ...sch, items: { allOf: [items, { type: 'string', pattern: '^[^,]*$' }] } }
      p.description = `${typeof p.description === 'string' ? `${p.description} ` : ''}Repeat the parameter, or separate values with commas (a value holds no comma).`
    }
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
      description: describe(spec),
      tags: [...spec.tags],
    }
    const params: Json[] = []
    if (spec.params) params.push(...parameters(spec.params, 'path', components))
    if (spec.query) params.push(...parameters(spec.query, 'query', components))
    for (const h of spec.requestHeaders ?? [])
      params.push({
        name: h.name,
        in: 'header',
        required: false,
        description: h.description,
        schema: { type: 'string' },
      })
    if (spec.idempotent)
      params.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes a retry safe: the same key and body return the first response (kept 24 h). 1 to 255 printable ASCII characters; an empty or longer key is refused (400).',
        schema: IDEMPOTENCY_KEY_SCHEMA,
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
    const headers = responseHeaders(spec, spec.success.status)
    responses[String(spec.success.status)] = spec.success.schema
      ? {
          description: spec.success.description,
          headers,
          content: { 'application/json': { schema: wireSchema(spec.success.schema, components) } },
        }
      : { description: spec.success.description, headers }
    // Any request may meet a backing service that is down (503), or Node's own refusals (408, 431).
    const statuses = new Set<number>([...spec.errors, 400, 408, 429, 431, 500, 503])
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
    for (const s of [...statuses].sort()) responses[String(s)] = problemResponse(spec, s)
    op.responses = responses
    if (spec.auth === 'user') op.security = [{ bearerAuth: [] }]
    else if (spec.auth === 'optional') op.security = [{}, { bearerAuth: [] }]
    else op.security = []
    const path = `${prefix}${spec.path}`
    const item = (isObject(paths[path]) ? paths[path] : {}) as JsonObject
    item[spec.method] = op
    paths[path] = item
  }
  const tags = [...new Set(routes.flatMap((r) => r.spec.tags))].map((name) => ({
    name,
    description: TAGS[name] ?? name,
  }))
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: info.description,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers:
      info.serverUrl === undefined
        ? [
            {
              url: '{origin}',
              description: 'Where the API is deployed (paths carry the /api/v1 prefix)',
              variables: {
                origin: { default: 'http://localhost:3000', description: 'Scheme, host and port' },
              },
            },
          ]
        : [{ url: info.serverUrl }],
    tags,
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(
        [...TRANSPORT_STATUSES].map((s) => [`Status${s}`, { description: statusText[s] ?? 'Error' }]),
      ),
      headers: HEADERS,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  }
}
