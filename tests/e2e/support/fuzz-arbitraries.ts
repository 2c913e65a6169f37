import fc from 'fast-check'
import { type DocOperation, type JsonSchema, type OpenApiDoc, resolveSchema } from './operations.js'

/*
 * fast-check arbitraries for malformed HTTP requests, driven by the OpenAPI document: for each
 * operation, its path parameters, its query parameters and its body schema are filled with values
 * that are wrong in the ways clients get them wrong (bad JSON, wrong types, huge strings, negative and
 * enormous numbers, impossible dates, unknown and camelCase fields, prototype keys, deep nesting).
 */

/** Who sends the request. */
export type Sender = 'anonymous' | 'guest' | 'host' | 'admin' | 'garbage-token'

export interface FuzzRequest {
  readonly path: Readonly<Record<string, string>>
  readonly query: readonly (readonly [string, string])[]
  /** `undefined`: no body at all. */
  readonly body: { readonly text: string; readonly contentType: string | null } | undefined
  readonly sender: Sender
  readonly idempotencyKey: string | undefined
  readonly requestId: string | undefined
}

export const IMPOSSIBLE_DATES = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2025-02-29',
  '0000-00-00',
  '2026-1-1',
  '26-01-01',
  '99999-01-01',
  '2026-01-01T00:00:00Z',
  '1900-01-01',
  '9999-12-31',
  '-2026-01-01',
  '2026/01/01',
  '',
] as const

const EDGE_STRINGS = [
  ...IMPOSSIBLE_DATES,
  ' ',
  '\u0000',
  '\u202e',
  '🏠',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '{"$ne":null}',
  '__proto__',
  '../../etc/passwd',
  '%00',
  'a,b,,c',
  'x'.repeat(3_000),
] as const

const EDGE_NUMBERS = [
  -1,
  0,
  1,
  -0.5,
  0.5,
  1.5,
  2 ** 31,
  -(2 ** 31),
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  Number.MAX_VALUE,
  1e21,
  -1e21,
] as const

const edgeString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.nat({ max: 40_000 }).map((n) => 'y'.repeat(n)) },
)
const edgeNumber = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** Any JSON value, small. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  edgeString,
  edgeNumber,
  fc.constantFrom(null, true, false, [], {}),
)

const asSchema = (v: unknown): JsonSchema | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonSchema) : undefined

/** A value shaped like `schema` but edgy, or (sometimes) anything at all. */
export const valueFor = (doc: OpenApiDoc, raw: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> => {
  const schema = resolveSchema(doc, raw)
  if (schema === undefined || depth > 4) return anyJson
  const variants = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined
  if (Array.isArray(variants) && variants.length > 0)
    return fc.oneof(...variants.map((v) => valueFor(doc, asSchema(v), depth + 1)))
  const shaped = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(schema.enum))
      return fc.oneof(fc.constantFrom(...(schema.enum as unknown[])), edgeString)
    switch (schema.type) {
      case 'string':
        return edgeString
      case 'integer':
      case 'number':
        return fc.oneof(edgeNumber, fc.integer({ min: -10, max: 10_000 }))
      case 'boolean':
        return fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1))
      case 'array':
        return fc.array(valueFor(doc, asSchema(schema.items), depth + 1), { maxLength: 6 })
      case 'object':
        return objectFor(doc, schema, depth + 1)
      default:
        return anyJson
    }
  })()
  return fc.oneof({ weight: 5, arbitrary: shaped }, { weight: 1, arbitrary: anyJson })
}

/** An object with some of the schema's fields (edgy values), sometimes unknown or camelCase ones too. */
export const objectFor = (
  doc: OpenApiDoc,
  schema: JsonSchema,
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> => {
  const props = Object.entries((asSchema(schema.properties) ?? {}) as Record<string, JsonSchema>)
  const known = fc.record(
    Object.fromEntries(props.map(([k, s]) => [k, valueFor(doc, s, depth)])) as Record<
      string,
      fc.Arbitrary<unknown>
    >,
    { requiredKeys: [] },
  )
  const unknown = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'is_admin',
        'role',
        'userId',
        'hostId',
        'price',
        'status',
        'id',
        '__proto__',
        'constructor',
      ),
      fc.string({ minLength: 1, maxLength: 12 }),
    ),
    anyJson,
    { maxKeys: 3 },
  )
  return fc.tuple(known, fc.option(unknown, { freq: 3 })).map(([k, u]) => ({ ...(u ?? {}), ...k }))
}

const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '[',
    '{"a":1,}',
    "{'a':1}",
    'nul',
    'tru',
    '{"a":1}{"b":2}',
    '{"a": 01}',
    '{"a": NaN}',
    '{"a": "\\x"}',
    '"\\ud800"',
    '\u0000',
    '\ufeff{}',
    '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
    `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
    `"${'z'.repeat(150_000)}"`,
  ),
  fc.string({ maxLength: 40 }),
)

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | null>('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | null>(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/merge-patch+json',
      'application/xml',
      'multipart/form-data; boundary=zz',
      'application/json;;;',
      'application',
      null,
    ),
  },
)

const encodable = (s: string): boolean => {
  try {
    encodeURIComponent(s)
    return true
  } catch {
    return false // a lone surrogate
  }
}

const pathValue = (real: readonly string[]) =>
  fc
    .oneof(
      { weight: 2, arbitrary: fc.constantFrom(...real) },
      { weight: 3, arbitrary: edgeString.map((s) => s.slice(0, 1_500)) },
      { weight: 1, arbitrary: fc.integer().map(String) },
    )
    // One non-empty segment that a URL parser keeps as it is (dot segments are resolved away) and
    // that does not turn into a sibling route (`/users/me`).
    .filter((s) => s !== '' && s !== '.' && s !== '..' && s !== 'me' && encodable(s))

/** Query parameters: the documented ones with bad values, repeated keys, unknown keys. */
const queryFor = (doc: OpenApiDoc, o: DocOperation) => {
  const documented = (o.op.parameters ?? []).filter((p) => p.in === 'query')
  const entry =
    documented.length > 0
      ? fc.oneof(
          {
            weight: 4,
            arbitrary: fc.tuple(
              fc.constantFrom(...documented.map((p) => p.name)),
              fc.oneof(
                edgeString,
                edgeNumber.map(String),
                valueFor(doc, documented[0]?.schema).map((v) =>
                  typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
                ),
              ),
            ),
          },
          { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), edgeString) },
        )
      : fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), edgeString)
  return fc.array(
    entry.map(([k, v]) => [k, v.slice(0, 2_000)] as const),
    { maxLength: 5 },
  )
}

const bodyFor = (doc: OpenApiDoc, o: DocOperation) => {
  const schema = o.op.requestBody?.content['application/json']?.schema
  const shaped =
    schema === undefined
      ? anyJson.map((v) => JSON.stringify(v) ?? 'null')
      : objectFor(doc, resolveSchema(doc, schema) ?? {}).map((v) => JSON.stringify(v))
  const text = fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 3, arbitrary: malformedJson },
  )
  return fc.option(
    fc.record({ text, contentType }).map((b) => b as FuzzRequest['body']),
    { freq: 6, nil: undefined },
  )
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
})

/** A malformed request for one operation of the document. */
export const requestFor = (
  doc: OpenApiDoc,
  o: DocOperation,
  realIds: readonly string[],
): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    path: fc.record(Object.fromEntries(o.pathParams.map((p) => [p, pathValue(realIds)]))),
    query: queryFor(doc, o),
    body: o.method === 'get' ? fc.constant(undefined) : bodyFor(doc, o),
    sender: fc.constantFrom<Sender>('anonymous', 'guest', 'host', 'admin', 'garbage-token'),
    idempotencyKey: fc.option(printable, { nil: undefined, freq: 3 }),
    requestId: fc.option(printable, { nil: undefined, freq: 4 }),
  })
