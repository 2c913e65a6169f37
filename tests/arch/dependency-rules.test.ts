import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { ListingSort as CoreListingSort, SearchPoint } from '../../core/domain/listings/search-order.js'
import type { ListingFilter, ListingSort as PortListingSort } from '../../ports/repositories.js'
import { checkFile } from './rules.js'
import { formatViolation, listSourceFiles, parseModuleRefs, readSource, stripComments } from './scan.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const LAYERS = ['core', 'ports', 'adapters', 'apps', 'bench'] as const
const filesOf = (dir: string) => listSourceFiles(ROOT, dir)
const rootFiles = readdirSync(ROOT).filter((f) => /\.[cm]?ts$/.test(f) && !f.includes('.config.'))

/** The violations found in the repository's files under `dir`, one readable line each. */
const violationsIn = (files: readonly string[]): string[] =>
  files.flatMap((f) => checkFile(f, readSource(ROOT, f))).map(formatViolation)

const refs = (src: string) => parseModuleRefs(src).map((r) => [r.line, r.kind, r.typeOnly, r.specifier])
const rulesOf = (file: string, src: string) => checkFile(file, src).map((v) => [v.line, v.rule])

describe('arch: the scanner sees the code (so the rules cannot pass vacuously)', () => {
  it('finds more than 10 files in core/ and more than 5 in ports/', () => {
    expect(filesOf('core').length).toBeGreaterThan(10)
    expect(filesOf('ports').length).toBeGreaterThan(5)
    expect(filesOf('core')).toContain('core/domain/pricing/quote.ts')
    expect(filesOf('core')).toContain('core/domain/shared/dates.ts')
    expect(filesOf('core')).toContain('core/application/request-booking.ts')
  })

  it('finds the imports of a real core file, type-only ones marked', () => {
    expect(refs(readSource(ROOT, 'core/domain/pricing/quote.ts'))).toEqual([
      [1, 'import', true, '../listings/listing.js'],
      [2, 'import', false, '../shared/dates.js'],
      [3, 'import', true, '../shared/ids.js'],
      [4, 'import', false, '../shared/money.js'],
    ])
  })

  it('finds at least one import in almost every core file', () => {
    const withImports = filesOf('core').filter((f) => parseModuleRefs(readSource(ROOT, f)).length > 0)
    expect(withImports.length).toBeGreaterThan(filesOf('core').length * 0.8)
  })
})

describe('arch: parsing import and export specifiers', () => {
  it('handles multi-line imports, import type, export-from, side-effect and dynamic imports', () => {
    const src = [
      "import { Effect } from 'effect'", // 1
      'import {', // 2
      '  a,',
      '  type B,',
      "} from './a.js'", // 5
      'import type {', // 6
      '  C,',
      "} from '../ports/c.js'",
      "import * as D from 'd'", // 9
      "import E, { f } from 'e'", // 10
      "export { g } from './g.js'", // 11
      "export type { H } from './h.js'", // 12
      "export * from './i.js'", // 13
      "export * as j from './j.js'", // 14
      "import 'reflect-metadata'", // 15
      "const k = await import('./k.js')", // 16
      "import type L from 'l'", // 17
    ].join('\n')
    expect(refs(src)).toEqual([
      [1, 'import', false, 'effect'],
      [2, 'import', false, './a.js'],
      [6, 'import', true, '../ports/c.js'],
      [9, 'import', false, 'd'],
      [10, 'import', false, 'e'],
      [11, 'export', false, './g.js'],
      [12, 'export', true, './h.js'],
      [13, 'export', false, './i.js'],
      [14, 'export', false, './j.js'],
      [15, 'side-effect', false, 'reflect-metadata'],
      [16, 'dynamic', false, './k.js'],
      [17, 'import', true, 'l'],
    ])
  })

  it('a type import right after a plain export statement is still seen as type-only', () => {
    expect(refs("export { a }\nimport type { P } from '../ports/p.js'")).toEqual([
      [2, 'import', true, '../ports/p.js'],
    ])
  })

  it('ignores commented-out imports but keeps line numbers', () => {
    const src = [
      "// import fs from 'node:fs'",
      '/* import crypto from',
      "   'node:crypto' */",
      "const url = 'https://example.com/x' // import x from 'y'",
      'const re = /[\'"]\\/\\//g',
      "import { Effect } from 'effect'",
    ].join('\n')
    expect(refs(src)).toEqual([[6, 'import', false, 'effect']])
    expect(stripComments(src).split('\n')).toHaveLength(6)
    expect(stripComments(src)).toContain("'https://example.com/x'")
  })

  it('does not mistake a template literal or a string for the start of a comment', () => {
    const open = ['$', '{'].join('') // a template placeholder, spelled so no linter mistakes it
    const src = `const a = \`x ${open}'//'} y ${open} { b: 1 }.b } //\`\nconst n = Date.now()`
    expect(stripComments(src)).toContain('Date.now()')
  })
})

describe('arch: the rule checker bites on offending snippets', () => {
  it('core: node:*, other packages and effect/unstable are refused; effect and core/ are fine', () => {
    const src = [
      "import { Effect, Schema } from 'effect'",
      "import * as Arr from 'effect/Array'",
      "import { readFileSync } from 'node:fs'",
      "import { injectable } from 'inversify'",
      "import { HttpClient } from 'effect/unstable/http'",
      "import { money } from '../shared/money.js'",
      "import { x } from '../../adapters/memory/x.js'",
    ].join('\n')
    expect(rulesOf('core/domain/pricing/x.ts', src)).toEqual([
      [3, 'core-no-node'],
      [4, 'core-imports'],
      [5, 'core-imports'],
      [7, 'core-imports'],
    ])
  })

  it('core/application: `import type` from ports is allowed; a value import from ports is not', () => {
    const src = [
      "import type { Clock } from '../../ports/clock.js'",
      "import type {\n  BookingRepository,\n} from '../../ports/repositories.js'",
      "import { ClockToken } from '../../ports/tokens.js'", // 5
      "import { type Cache } from '../../ports/cache.js'", // 6: not erased under verbatimModuleSyntax
      "export { Clock } from '../../ports/clock.js'", // 7
    ].join('\n')
    expect(rulesOf('core/application/request-booking.ts', src)).toEqual([
      [5, 'core-ports-type-only'],
      [6, 'core-ports-type-only'],
      [7, 'core-ports-type-only'],
    ])
  })

  it('core/domain may not refer to ports or the application layer at all', () => {
    expect(
      rulesOf('core/domain/bookings/x.ts', "import type { Clock } from '../../../ports/clock.js'"),
    ).toEqual([[1, 'core-imports']])
    const src = [
      "import type { Caller } from '../../application/support/caller.js'",
      "import { quoteStay } from '../pricing/quote.js'",
    ].join('\n')
    expect(rulesOf('core/domain/bookings/x.ts', src)).toEqual([[1, 'core-imports']])
  })

  it('core/application imports core/domain, itself, effect and ports by type; nothing else', () => {
    const src = [
      "import { newBooking } from '../domain/bookings/booking.js'",
      "import type { Caller } from './support/caller.js'",
      "import { x } from '../../adapters/memory/x.js'", // 3
      "import { y } from '../../apps/composition/y.js'", // 4
    ].join('\n')
    expect(rulesOf('core/application/request-booking.ts', src)).toEqual([
      [3, 'core-imports'],
      [4, 'core-imports'],
    ])
  })

  it('core holds only domain/ and application/', () => {
    expect(rulesOf('core/extra/x.ts', "import { a } from '../domain/shared/ids.js'")).toEqual([])
    expect(rulesOf('core/extra/x.ts', "import { a } from '../application/support/caller.js'")).toEqual([
      [1, 'core-imports'],
    ])
  })

  it('core: Date.now, Math.random, randomUUID, process.env and new Date() are refused, with their line', () => {
    const src = [
      'const a = Date.now()',
      'const b = Math.random()',
      'const c = crypto.randomUUID()',
      'const d = process.env.HOME',
      'const e = new Date()',
      'const f = new Date(0)', // fine: not "now"
      '// Date.now() in a comment is fine',
    ].join('\n')
    const found = checkFile('core/domain/shared/x.ts', src)
    expect(found.map((v) => [v.line, v.rule])).toEqual([
      [1, 'core-purity'],
      [2, 'core-purity'],
      [3, 'core-purity'],
      [4, 'apps-only'],
      [5, 'core-purity'],
    ])
    expect(formatViolation(found[0]!)).toMatch(/^core\/domain\/shared\/x\.ts:1 \[core-purity\] Date\.now/)
  })

  it('core: decorators are refused', () => {
    const src = ['@injectable()', 'export class A {', '  constructor(@inject(T) readonly t: T) {}', '}'].join(
      '\n',
    )
    expect(rulesOf('core/application/a.ts', src)).toEqual([
      [1, 'core-no-decorators'],
      [3, 'core-no-decorators'],
    ])
    expect(rulesOf('core/application/a.ts', "const email = 'a@b.example'")).toEqual([])
  })

  it('ports: effect, core/domain, ports/ and `import type` from inversify only', () => {
    const src = [
      "import type { ServiceIdentifier } from 'inversify'",
      "import { Effect } from 'effect'",
      "import type { Booking } from '../core/domain/bookings/booking.js'",
      "import { token } from './tokens.js'",
      "import { injectable } from 'inversify'", // 5
      "import Redis from 'ioredis'", // 6
      "import { x } from '../adapters/memory/x.js'", // 7
      "import type { Caller } from '../core/application/support/caller.js'", // 8
    ].join('\n')
    expect(rulesOf('ports/cache.ts', src)).toEqual([
      [5, 'ports-imports'],
      [6, 'ports-imports'],
      [7, 'ports-imports'],
      [8, 'ports-imports'],
    ])
  })

  it('adapters: never apps/, never another adapter; their own folder, core, ports and SDKs are fine', () => {
    const src = [
      "import { Redis } from 'ioredis'",
      "import type { Cache } from '../../ports/cache.js'",
      "import { money } from '../../core/domain/shared/money.js'",
      "import { helper } from './support.js'",
      "import { InMemoryCache } from '../memory/in-memory-cache.js'", // 5
      "import { config } from '../../apps/api/config.js'", // 6
      "export * from '../memory/index.js'", // 7
    ].join('\n')
    expect(rulesOf('adapters/redis/redis-cache.ts', src)).toEqual([
      [5, 'adapter-imports'],
      [6, 'adapter-imports'],
      [7, 'adapter-imports'],
    ])
    expect(rulesOf('adapters/memory/index.ts', "export * from './in-memory-cache.js'")).toEqual([])
  })

  it('reflect-metadata, new Container( and process.env belong to apps/ only', () => {
    const src = [
      "import 'reflect-metadata'",
      "import { Container } from 'inversify'",
      'const c = new Container()',
      'const port = process.env.PORT',
    ].join('\n')
    expect(rulesOf('apps/api/main.ts', src)).toEqual([])
    expect(rulesOf('adapters/http/server.ts', src)).toEqual([
      [1, 'apps-only'],
      [3, 'apps-only'],
      [4, 'apps-only'],
    ])
    expect(rulesOf('bench/pricing.bench.ts', src).map(([, r]) => r)).toEqual([
      'apps-only',
      'apps-only',
      'apps-only',
    ])
  })

  it('test files may import anything', () => {
    const src =
      "import { readFileSync } from 'node:fs'\nimport { x } from '../../apps/api/x.js'\nprocess.env.X"
    expect(checkFile('tests/unit/x.test.ts', src)).toEqual([])
    expect(checkFile('adapters/redis/redis-cache.test.ts', src)).toEqual([])
  })
})

describe('arch: the repository obeys the layering of DESIGN.md', () => {
  it.each(LAYERS)('%s/ breaks no rule (each offence listed as file:line [rule])', (layer) => {
    expect(violationsIn(filesOf(layer))).toEqual([])
  })

  it('root-level modules (index.ts …) break no rule', () => {
    expect(violationsIn(rootFiles)).toEqual([])
  })
})

describe('arch: types core owns and ports repeat stay the same', () => {
  it('ports ListingSort is core ListingSort (checked by tsc)', () => {
    expectTypeOf<PortListingSort>().toEqualTypeOf<CoreListingSort>()
    expectTypeOf<NonNullable<ListingFilter['near']>>().toExtend<SearchPoint>()
  })
})
