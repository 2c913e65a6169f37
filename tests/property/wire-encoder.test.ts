import { type Schema, SchemaAST } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AccessTokens, apiRoutes } from '../../adapters/http/index.js'
import { referenceWireEncoder, wireEncoder } from '../../adapters/http/wire-encoder.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'

/**
 * Rule: a response body is `JSON.stringify(toWire(encode(value)))` for the route's schema, whatever
 * the value. The one-pass encoder the app uses must give the same text for every value the
 * reference accepts, and refuse (with the reference's error) every value it refuses. Values are
 * generated from each response schema of the API: valid ones, ones with undeclared keys (which must
 * not leave the server), and ones with a wrong value somewhere (a float for an integer, a string
 * for a literal, anything at all).
 */

const engine = createInMemoryEngine({ passwordHashCost: 16 })
const routes = apiRoutes({
  useCases: engine.useCases,
  tokens: new AccessTokens(
    { secret: 'wire-encoder-test-secret-0123456789abcdef', issuer: 'i', audience: 'a' },
    engine.adapters.clock,
  ),
  clock: engine.adapters.clock,
  cache: engine.adapters.cache,
  rateLimiter: engine.adapters.rateLimiter,
  loginLimits: false,
  paymentProviders: ['memory'],
})

const schemas = new Map<string, Schema.Top>()
for (const r of routes) {
  const s = r.spec.success.schema
  if (s !== undefined && ![...schemas.values()].includes(s)) schemas.set(r.spec.operationId, s)
}

const wrong = fc.oneof(fc.anything(), fc.double(), fc.string(), fc.constant(undefined), fc.constant(null))

/**
 * Values for `ast`. Clean ones are valid for every type and check of the views (integers where a
 * number has a check, any number where it has none) apart from undeclared keys, which must be
 * dropped; 'floats' ones put fractions where integers belong; perturbed ones also carry wrong
 * values (anything at all, NaN and infinities, missing required keys) here and there.
 */
type Mode = 'clean' | 'floats' | 'perturbed'

const valuesOf = (ast: SchemaAST.AST, mode: Mode, depth = 0): fc.Arbitrary<unknown> => {
  const valid = validOf(ast, mode, depth)
  return mode === 'perturbed'
    ? fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: wrong })
    : valid
}

const validOf = (ast: SchemaAST.AST, mode: Mode, depth: number): fc.Arbitrary<unknown> => {
  switch (ast._tag) {
    case 'String':
      return fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.constantFrom('2026-01-01', '2026-01-01T00:00:00.000Z', 'a"b\\c\n', '\u2028', '\ud800'),
      )
    case 'Number':
      return mode === 'perturbed'
        ? fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
            { weight: 1, arbitrary: fc.double() },
            { weight: 1, arbitrary: fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-7) },
          )
        : ast.checks === undefined
          ? // A plain number: anything numeric is valid (NaN and the infinities are written as null).
            fc.oneof(
              fc.integer(),
              fc.double(),
              fc.constantFrom(-0, Number.NaN, Number.NEGATIVE_INFINITY, 1e21, 5e-7),
            )
          : mode === 'floats'
            ? fc.oneof(fc.integer(), fc.double({ noNaN: true }))
            : fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(-0, 0, 2 ** 53 - 1))
    case 'Boolean':
      return fc.boolean()
    case 'Null':
      return fc.constant(null)
    case 'Literal':
      return fc.constant(ast.literal)
    case 'Union':
      return fc.oneof(...ast.types.map((t) => valuesOf(t, mode, depth + 1)))
    case 'Arrays':
      return fc.array(valuesOf(ast.rest[0] ?? ast, mode, depth + 1), { maxLength: depth > 3 ? 1 : 3 })
    case 'Objects': {
      const fields = Object.fromEntries(
        ast.propertySignatures.map((ps) => [String(ps.name), valuesOf(ps.type, mode, depth + 1)]),
      )
      const optional = ast.propertySignatures
        .filter((ps) => SchemaAST.isOptional(ps.type))
        .map((ps) => String(ps.name))
      const required = Object.keys(fields).filter((k) => !optional.includes(k))
      return fc
        .tuple(
          fc.record(fields, { requiredKeys: required }),
          fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 2 }), { freq: 4 }),
          mode === 'perturbed' && required.length > 0
            ? fc.option(fc.constantFrom(...required), { freq: 20 })
            : fc.constant(null),
        )
        .map(([record, extra, drop]) => {
          const out: Record<string, unknown> = { ...(extra ?? {}), ...record }
          if (drop !== null) delete out[drop]
          return out
        })
    }
    default:
      return fc.anything()
  }
}

const outcome = (encode: (v: unknown) => string, value: unknown): { text: string } | { refused: true } => {
  try {
    return { text: encode(value) }
  } catch {
    return { refused: true }
  }
}

describe('response bodies: the one-pass encoder against encode → toWire → JSON.stringify', () => {
  it('every response schema of the API compiles to one pass', () => {
    expect(schemas.size).toBeGreaterThan(15)
    const notCompiled = [...schemas].filter(([, s]) => !wireEncoder(s).compiled).map(([id]) => id)
    expect(notCompiled).toEqual([])
  })

  it.each([...schemas.keys()])('%s: the same text for every value, the same refusals', (operationId) => {
    const schema = schemas.get(operationId)!
    const fast = wireEncoder(schema)
    const reference = referenceWireEncoder(schema)
    let accepted = 0
    const runs = process.env.INNKEEPER_DEEP === '1' ? 2_000 : 200
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 3, arbitrary: valuesOf(schema.ast, 'clean') },
          { weight: 1, arbitrary: valuesOf(schema.ast, 'floats') },
          { weight: 1, arbitrary: valuesOf(schema.ast, 'perturbed') },
        ),
        (value) => {
          const expected = outcome(reference, value)
          if ('text' in expected) accepted++
          expect(outcome(fast, value)).toEqual(expected)
        },
      ),
      { numRuns: runs },
    )
    // The generators must reach valid values often, or the comparison proves little.
    expect(accepted).toBeGreaterThan(runs / 3)
  })
})
