import { Schema, SchemaAST } from 'effect'
import { toSnake, toWire } from './wire.js'

/**
 * Response bodies: a value of a view schema → the JSON the client receives (encoded through the
 * schema, keys snake_case). The reference is three passes, `JSON.stringify(toWire(encode(value)))`,
 * each building the whole value again; a page of 20 search hits (47 kB) spent 0.7 ms in them, more
 * than the search itself.
 *
 * `wireEncoder` compiles a schema once into one pass that checks each value against its node
 * (type, literal, the node's own checks such as `isInt`), keeps only declared keys in declaration
 * order, renames them, and writes the JSON text as it goes. It covers the nodes views are made of
 * (structs, arrays, unions and literals, strings, numbers, booleans, null, optional keys); a schema
 * with any other node (a transformation, a record, a declaration …) uses the reference as a whole.
 * When the one pass refuses a value, the reference runs: its error says what was wrong, and should
 * the two ever disagree, the reference's answer is the one sent. A property test holds the two to
 * the same text for every response schema of the API.
 */

/** The JSON text of a value, or `FAIL` when the value does not match. */
type Write = (value: unknown) => string | typeof FAIL
const FAIL: unique symbol = Symbol('wire-encoder/fail')

const PARSE_OPTIONS: SchemaAST.ParseOptions = {}

const passes = (checks: SchemaAST.Checks | undefined, value: unknown, ast: SchemaAST.AST): boolean => {
  if (checks === undefined) return true
  for (const check of checks) {
    if (check._tag === 'Filter') {
      if (check.run(value, ast, PARSE_OPTIONS) !== undefined) return false
    } else if (!passes(check.checks, value, ast)) return false
  }
  return true
}

const number = (n: number): string => (Number.isFinite(n) ? String(n) : 'null')

/** The one-pass writer of `ast`, or undefined when it has a node this compiler does not cover. */
const compile = (ast: SchemaAST.AST): Write | undefined => {
  if (ast.encoding !== undefined) return undefined
  const checks = ast.checks
  const checked =
    (test: (v: unknown) => boolean, write: (v: never) => string): Write =>
    (v) =>
      test(v) && passes(checks, v, ast) ? write(v as never) : FAIL
  switch (ast._tag) {
    case 'String':
      return checked((v) => typeof v === 'string', JSON.stringify as (v: string) => string)
    case 'Number':
      return checked((v) => typeof v === 'number', number)
    case 'Boolean':
      return checked(
        (v) => typeof v === 'boolean',
        (v: boolean) => (v ? 'true' : 'false'),
      )
    case 'Null':
      return checked(
        (v) => v === null,
        () => 'null',
      )
    case 'Literal': {
      const literal = ast.literal
      if (typeof literal === 'bigint') return undefined
      const text = JSON.stringify(literal)
      return checked(
        (v) => v === literal,
        () => text,
      )
    }
    case 'Union': {
      if (ast.encodingChecks !== undefined) return undefined
      const members: Write[] = []
      for (const member of ast.types) {
        const w = compile(member)
        if (w === undefined) return undefined
        members.push(w)
      }
      return (v) => {
        for (const w of members) {
          const text = w(v)
          if (text !== FAIL) return passes(checks, v, ast) ? text : FAIL
        }
        return FAIL
      }
    }
    case 'Arrays': {
      if (ast.encodingChecks !== undefined || ast.elements.length > 0 || ast.rest.length !== 1)
        return undefined
      const item = compile(ast.rest[0]!)
      if (item === undefined) return undefined
      return (v) => {
        if (!Array.isArray(v) || !passes(checks, v, ast)) return FAIL
        let out = '['
        for (let i = 0; i < v.length; i++) {
          const text = item(v[i])
          if (text === FAIL) return FAIL
          out += i === 0 ? text : `,${text}`
        }
        return `${out}]`
      }
    }
    case 'Objects': {
      if (ast.encodingChecks !== undefined || ast.indexSignatures.length > 0) return undefined
      const fields: { name: string; key: string; optional: boolean; write: Write }[] = []
      for (const ps of ast.propertySignatures) {
        if (typeof ps.name !== 'string') return undefined
        const write = compile(ps.type)
        if (write === undefined) return undefined
        fields.push({
          name: ps.name,
          key: `${JSON.stringify(toSnake(ps.name))}:`,
          optional: SchemaAST.isOptional(ps.type),
          write,
        })
      }
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return FAIL
        const record = v as Record<string, unknown>
        let out = '{'
        let first = true
        for (const f of fields) {
          if (!(f.name in record)) {
            if (f.optional) continue
            return FAIL
          }
          const text = f.write(record[f.name])
          if (text === FAIL) return FAIL
          out += first ? f.key : `,${f.key}`
          out += text
          first = false
        }
        return passes(checks, v, ast) ? `${out}}` : FAIL
      }
    }
    default:
      return undefined
  }
}

/** `JSON.stringify(toWire(encode(value)))`, the reference every response body must equal. */
export const referenceWireEncoder = (schema: Schema.Top): ((value: unknown) => string) => {
  const encode = Schema.encodeUnknownSync(schema as Schema.Codec<unknown, unknown, never, never>)
  return (value) => JSON.stringify(toWire(encode(value)))
}

export interface WireEncoder {
  (value: unknown): string
  /** True when the schema compiled to one pass (false: every value goes through the reference). */
  readonly compiled: boolean
}

/** The response body of `value` for `schema`; throws as `Schema.encodeUnknownSync` does when it does not match. */
export const wireEncoder = (schema: Schema.Top): WireEncoder => {
  const reference = referenceWireEncoder(schema)
  const write = compile(schema.ast)
  if (write === undefined) return Object.assign((value: unknown) => reference(value), { compiled: false })
  return Object.assign(
    (value: unknown) => {
      const text = write(value)
      return text === FAIL ? reference(value) : text
    },
    { compiled: true },
  )
}
