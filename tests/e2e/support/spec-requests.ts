import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { generateSync } from 'json-schema-faker'
import type { JsonSchema, OpenApiDoc } from './operations.js'

/**
 * Requests made from the OpenAPI document alone, as an outside client's generated code would make
 * them: values drawn from each schema by json-schema-faker (checked against the schema by Ajv, so a
 * generator slip is never blamed on the server), and mutations of a valid value that each break one
 * declared constraint (wrong type, too long or short, pattern, format, enum, range, integer, item
 * counts, a required property missing, an undeclared property).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
export type Schema = { readonly [k: string]: unknown }

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The schema with every `#/components/schemas/X` reference replaced by its target. */
export const inlineRefs = (doc: OpenApiDoc, node: unknown): unknown => {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(doc, n))
  if (!isObject(node)) return node
  if (typeof node.$ref === 'string') {
    const target = doc.components.schemas[node.$ref.replace('#/components/schemas/', '')]
    if (target === undefined) throw new Error(`unresolved ${node.$ref}`)
    return inlineRefs(doc, target)
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineRefs(doc, v)]))
}

export class SchemaChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true })
  private readonly compiled = new Map<string, ValidateFunction>()
  constructor() {
    ;(addFormats as unknown as (a: Ajv2020) => void)(this.ajv)
  }
  valid(schema: Schema, value: unknown): boolean {
    const key = JSON.stringify(schema)
    let v = this.compiled.get(key)
    if (!v) {
      v = this.ajv.compile(schema as object)
      this.compiled.set(key, v)
    }
    return v(value) === true
  }
}

/** A value of the schema (json-schema-faker, seeded), checked against the schema; undefined if none found. */
export const sample = (
  checker: SchemaChecker,
  schema: Schema,
  seed: number,
  optionals: 'all' | 'none',
): Json | undefined => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const value = generateSync(schema as never, {
      seed: seed * 101 + attempt,
      alwaysFakeOptionals: optionals === 'all',
      optionalsProbability: optionals === 'all' ? 1 : 0,
      maxItems: 3,
      useExamplesValue: true,
    }) as Json
    if (checker.valid(schema, value)) return value
  }
  return undefined
}

export interface Mutation {
  /** What was broken, where: `body.location.country: pattern`. */
  readonly what: string
  readonly value: Json
}

const codePoints = (s: string): string[] => [...s]

/** Strings to try when a pattern must be broken: the first that keeps every other rule is used. */
const PATTERN_BREAKERS = [' ', '  ', '\t', '!', '1', 'a', 'ZZZZ', 'x y', '@', 'not-a-date', '-', 'a@b', '😀']

/** The schema without one keyword (to find a value that breaks only that keyword). */
const without = (schema: Schema, keyword: string): Schema =>
  Object.fromEntries(Object.entries(schema).filter(([k]) => k !== keyword))

/**
 * Mutations of `value` (valid for `schema`) breaking one constraint of the node at `at`, each
 * returned as the whole new value (`rebuild` puts the node's new value back in its root).
 */
const mutateNode = (
  checker: SchemaChecker,
  schema: Schema,
  value: Json,
  at: string,
  rebuild: (v: Json | undefined) => Json,
  options: { readonly wire: 'json' | 'text' },
): Mutation[] => {
  const out: Mutation[] = []
  const add = (what: string, v: Json | undefined) => out.push({ what: `${at}: ${what}`, value: rebuild(v) })
  // A nullable value (anyOf [X, null]): mutate against the branch the value is in.
  if (Array.isArray(schema.anyOf)) {
    const branch = (schema.anyOf as Schema[]).find((b) => checker.valid(b, value))
    if (branch) out.push(...mutateNode(checker, branch, value, at, rebuild, options))
    return out
  }
  const type = schema.type
  // Wrong type (on the wire as text, every value is a string: only non-string types can be broken).
  if (options.wire === 'json') {
    if (type === 'string') add('wrong type', 12345)
    else if (type === 'integer' || type === 'number') add('wrong type', '12')
    else if (type === 'boolean') add('wrong type', 'true')
    else if (type === 'array') add('wrong type', {})
    else if (type === 'object') add('wrong type', [])
  } else if (type === 'integer' || type === 'number') add('wrong type', 'abc')
  else if (type === 'boolean') add('wrong type', 'maybe')
  if (Array.isArray(schema.enum)) add('enum', 'not_a_declared_value')
  if (typeof value === 'string') {
    const chars = codePoints(value)
    if (typeof schema.maxLength === 'number') {
      const last = chars[chars.length - 1] ?? 'a'
      add('maxLength', value + last.repeat(schema.maxLength + 1 - chars.length))
    }
    if (typeof schema.minLength === 'number' && schema.minLength > 0)
      add('minLength', chars.slice(0, schema.minLength - 1).join(''))
    if (typeof schema.pattern === 'string') {
      const rest = without(schema, 'pattern')
      const breaker = PATTERN_BREAKERS.find((b) => checker.valid(rest, b) && !checker.valid(schema, b))
      if (breaker !== undefined) add('pattern', breaker)
    }
    if (schema.format === 'date') add('format', '2027-02-29')
  }
  if (typeof value === 'number') {
    if (typeof schema.maximum === 'number') add('maximum', schema.maximum + 1)
    if (typeof schema.minimum === 'number')
      add('minimum', type === 'integer' ? schema.minimum - 1 : schema.minimum - 0.05)
    if (type === 'integer') add('integer', value + 0.5)
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items
    if (typeof schema.maxItems === 'number') {
      const filler = value[0] ?? sample(checker, items, 7, 'none')
      if (filler !== undefined)
        add('maxItems', [...value, ...Array(schema.maxItems + 1 - value.length).fill(filler)])
    }
    if (typeof schema.minItems === 'number' && schema.minItems > 0)
      add('minItems', value.slice(0, schema.minItems - 1))
    const first = value[0]
    if (first !== undefined)
      out.push(
        ...mutateNode(
          checker,
          items,
          first,
          `${at}[0]`,
          (v) => rebuild([v as Json, ...value.slice(1)]),
          options,
        ),
      )
  }
  if (isObject(value) && isObject(schema.properties)) {
    const props = schema.properties as Record<string, Schema>
    for (const name of Array.isArray(schema.required) ? (schema.required as string[]) : [])
      add(`required ${name} missing`, Object.fromEntries(Object.entries(value).filter(([k]) => k !== name)))
    if (schema.additionalProperties === false) add('undeclared property', { ...value, undeclared_field: 1 })
    for (const [name, sub] of Object.entries(props)) {
      const v = (value as Record<string, Json>)[name]
      if (v === undefined) continue
      out.push(
        ...mutateNode(
          checker,
          sub,
          v,
          at === '' ? name : `${at}.${name}`,
          (nv) => rebuild({ ...value, [name]: nv as Json }),
          options,
        ),
      )
    }
  }
  return out
}

/** Every one-constraint mutation of a valid value; only those the schema really refuses are kept. */
export const mutations = (
  checker: SchemaChecker,
  schema: Schema,
  value: Json,
  at: string,
  wire: 'json' | 'text',
): Mutation[] =>
  mutateNode(checker, schema, value, at, (v) => v as Json, { wire }).filter(
    (m) => !checker.valid(schema, m.value),
  )

export type { Json, JsonSchema }
