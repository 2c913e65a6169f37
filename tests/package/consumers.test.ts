import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The package as an embedding team meets it: `npm pack` (which builds through `prepack`), then the
 * tarball installed into fresh consumer projects, each of which typechecks under its own settings
 * and runs a booking. What the issue calls "works for a consumer" is checked here, not assumed.
 */

const root = resolve(import.meta.dirname, '../..')
const tsc = join(root, 'node_modules', '.bin', 'tsc')
const esbuild = join(root, 'node_modules', '.bin', 'esbuild')
// Outside the repository: Node resolves a package up the parent folders, and the repository's own
// node_modules would hide a missing peer.
const work = mkdtempSync(join(tmpdir(), 'innkeeper-consumers-'))
let tarball = ''

const sh = (cmd: string, args: readonly string[], cwd: string): string => {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    })
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string }
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`)
  }
}

/** A fresh project with the tarball (and `extra` packages) installed; npm prefers its local cache. */
const consumer = (
  name: string,
  pkg: Record<string, unknown>,
  files: Record<string, string>,
  extra: readonly string[] = [],
) => {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, ...pkg }, null, 2))
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    writeFileSync(join(dir, f), text)
  }
  sh(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...extra],
    dir,
  )
  return dir
}

const installed = (dir: string): string[] => {
  const nm = join(dir, 'node_modules')
  return readdirSync(nm).flatMap((n) =>
    n.startsWith('.') ? [] : n.startsWith('@') ? readdirSync(join(nm, n)).map((m) => `${n}/${m}`) : [n],
  )
}
const SERVER_PACKAGES = [
  'koa',
  '@koa/router',
  '@koa/bodyparser',
  '@koa/cors',
  'helmet',
  'jose',
  'pino',
  'prom-client',
  'swagger-ui-dist',
  'ioredis',
  'rabbitmq-client',
  'mongodb',
  'stripe',
]

/** A Node project's own typings (effect's declarations name web globals such as AbortSignal). */
const TYPES_NODE = '@types/node@^20.19.0'

const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
    rootDir: 'src',
    // effect 4.1's own declarations name DOM types (persistence/KeyValueStore.d.ts: `Storage`), so
    // any consumer that checks library declarations needs the DOM lib, with or without innkeeper.
    lib: ['ES2023', 'DOM'],
  },
  include: ['src'],
}

/** The README's Effect example and a Promise booking, as a consumer writes them. */
const BOOKING_TS = `import { Effect } from 'effect'
import { type Listing, NightsUnavailable, userCaller } from 'innkeeper'
import { createInMemoryEngine } from 'innkeeper/engine'

const engine = createInMemoryEngine()
const { useCases, promises } = engine

const program = Effect.gen(function* () {
  const host = yield* useCases.registerUser.execute({
    email: 'ana@example.com', password: 'a long passphrase', name: 'Ana', roles: ['host'],
  })
  const asHost = userCaller(host.id, host.roles)
  const listing = yield* useCases.createListing.execute(asHost, {
    title: 'Alfama loft', propertyType: 'loft', roomType: 'entire_place', maxGuests: 2, currency: 'EUR',
    location: { address: 'Rua 1', city: 'Lisbon', country: 'PT', lat: 38.71, lng: -9.13, timezone: 'Europe/Lisbon' },
    pricing: { baseNightly: 9_500, cleaningFee: 2_500 },
  })
  return yield* useCases.activateListing.execute(asHost, listing.id)
})

const main = async () => {
  const listing: Listing = await Effect.runPromise(program)
  const guestUser = await promises.registerUser({
    email: 'gus@example.com', password: 'another passphrase', name: 'Gus', roles: ['guest'],
  })
  const guest = userCaller(guestUser.id, guestUser.roles)
  const stay = { listingId: listing.id, checkIn: '2026-07-01', checkOut: '2026-07-04', guests: 2 }
  const booking = await promises.requestBooking(guest, stay)
  try {
    await promises.requestBooking(guest, stay)
  } catch (e) {
    if (e instanceof NightsUnavailable) console.log('taken:', e.nights.length)
    else throw e
  }
  console.log('booked', booking.state, booking.quote.guestTotal, booking.quote.currency)
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
`

/** The TypeScript examples of the README's "Using the package" section, each a whole program. */
const readmeExamples = (): string[] => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.slice(
    readme.indexOf('## Using the package'),
    readme.indexOf('\n## ', readme.indexOf('## Using the package') + 3),
  )
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
}

beforeAll(() => {
  const out = sh('npm', ['pack', '--pack-destination', work, '--silent'], root).trim().split('\n')
  tarball = join(work, out[out.length - 1]!)
}, 240_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
}, 180_000)

describe('the packed tarball', () => {
  it('ships built entries with declarations, the LICENSE and CHANGELOG, and no source maps', () => {
    const files = sh('tar', ['-tzf', tarball], work).split('\n')
    expect(files).toContain('package/dist/index.js')
    expect(files).toContain('package/dist/index.d.ts')
    expect(files).toContain('package/dist/engine.js')
    expect(files).toContain('package/dist/testing.js')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/CHANGELOG.md')
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([])
    console.log(`tarball: ${(statSync(tarball).size / 1024).toFixed(1)} KB, ${files.length - 1} files`)
  })

  it('passes publint and @arethetypeswrong/cli (ESM that Node >= 20.19 can require)', () => {
    sh(join(root, 'node_modules', '.bin', 'publint'), ['--strict', tarball], root)
    // cjs-resolves-to-esm: TypeScript's node16 view of a CommonJS importer predates require(esm),
    // which Node 20.19 and TypeScript's `module: nodenext` both allow; the CJS consumer below proves it.
    sh(
      join(root, 'node_modules', '.bin', 'attw'),
      [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'],
      root,
    )
  }, 120_000)
})

describe('consumer projects install the tarball, typecheck and book', () => {
  it('strict TypeScript ESM (NodeNext, skipLibCheck false), with no server package installed', () => {
    const examples = readmeExamples()
    expect(examples).toHaveLength(2)
    const dir = consumer(
      'ts-esm',
      { type: 'module' },
      {
        'tsconfig.json': JSON.stringify(STRICT_TSCONFIG),
        'src/main.ts': BOOKING_TS,
        ...Object.fromEntries(examples.map((code, i) => [`src/readme-${i + 1}.ts`, code])),
      },
      [TYPES_NODE],
    )
    const present = installed(dir)
    expect(SERVER_PACKAGES.filter((p) => present.includes(p))).toEqual([])
    sh(tsc, ['-p', '.'], dir)
    expect(sh('node', ['out/main.js'], dir)).toMatch(/taken: 3\nbooked pending_payment \d+ EUR/)
    // The README's examples compile under strict (above) and run as written.
    expect(sh('node', ['out/readme-1.js'], dir).trim()).toBe('active')
    expect(sh('node', ['out/readme-2.js'], dir)).toMatch(
      /^pending_payment \d+ EUR\ntaken: 2026-07-01, 2026-07-02, 2026-07-03\nalready cancelled\n$/,
    )
    // An entry whose optional peer is missing fails at import, naming the package to install.
    for (const [entry, peer] of [
      ['innkeeper/redis', 'ioredis'],
      ['innkeeper/amqp', 'rabbitmq-client'],
      ['innkeeper/stripe', 'stripe'],
      ['innkeeper/http', '@koa/bodyparser|@koa/cors|@koa/router|helmet|jose|koa|pino|prom-client'],
    ] as const)
      expect(() => sh('node', ['--input-type=module', '-e', `await import('${entry}')`], dir)).toThrow(
        new RegExp(`Cannot find package '(${peer})'`),
      )
  }, 240_000)

  it('TypeScript CommonJS (require of the ESM entries, Node >= 20.19)', () => {
    const tsconfig = { ...STRICT_TSCONFIG }
    const dir = consumer(
      'ts-cjs',
      { type: 'commonjs' },
      { 'tsconfig.json': JSON.stringify(tsconfig), 'src/main.ts': BOOKING_TS },
      [TYPES_NODE],
    )
    sh(tsc, ['-p', '.'], dir)
    expect(readFileSync(join(dir, 'out/main.js'), 'utf8')).toContain('require("innkeeper/engine")')
    expect(sh('node', ['--no-warnings', 'out/main.js'], dir)).toMatch(/booked pending_payment/)
  }, 240_000)

  it('plain JavaScript with require()', () => {
    const js = `const { userCaller, applyBasisPoints } = require('innkeeper')
const { createInMemoryEngine } = require('innkeeper/engine')
const { promises } = createInMemoryEngine()
;(async () => {
  const host = await promises.registerUser({ email: 'h@example.com', password: 'a long passphrase', name: 'H', roles: ['host'] })
  const h = userCaller(host.id, host.roles)
  const l = await promises.createListing(h, { title: 'Loft', propertyType: 'loft', roomType: 'entire_place', maxGuests: 2, currency: 'EUR',
    location: { address: 'Rua 1', city: 'Lisbon', country: 'PT', lat: 38.7, lng: -9.1, timezone: 'Europe/Lisbon' },
    pricing: { baseNightly: 10000 } })
  await promises.activateListing(h, l.id)
  const g = await promises.registerUser({ email: 'g@example.com', password: 'a long passphrase', name: 'G', roles: ['guest'] })
  const b = await promises.requestBooking(userCaller(g.id, g.roles), { listingId: l.id, checkIn: '2026-03-05', checkOut: '2026-03-07', guests: 1 })
  console.log('booked', b.state, applyBasisPoints(10000, 1000))
})().catch((e) => { console.error(e); process.exit(1) })
`
    const dir = consumer('plain-js', {}, { 'main.cjs': js })
    expect(sh('node', ['--no-warnings', 'main.cjs'], dir)).toContain('booked pending_payment 1000')
  }, 240_000)

  it('a consumer on its own patch versions of effect and inversify gets one copy of each', () => {
    const dir = consumer(
      'own-patches',
      { type: 'module' },
      { 'tsconfig.json': JSON.stringify(STRICT_TSCONFIG), 'src/main.ts': BOOKING_TS },
      ['effect@4.1.5', 'inversify@8.2.0', TYPES_NODE],
    )
    const tree = sh('npm', ['ls', 'effect', 'inversify', '--all', '--parseable'], dir)
      .split('\n')
      .filter((l) => /node_modules\/(effect|inversify)$/.test(l))
    expect(tree.map((l) => l.slice(dir.length))).toEqual(['/node_modules/effect', '/node_modules/inversify'])
    const version = (p: string) =>
      (JSON.parse(readFileSync(join(dir, 'node_modules', p, 'package.json'), 'utf8')) as { version: string })
        .version
    expect([version('effect'), version('inversify')]).toEqual(['4.1.5', '8.2.0'])
    sh(tsc, ['-p', '.'], dir)
    expect(sh('node', ['out/main.js'], dir)).toMatch(/booked pending_payment/)
  }, 240_000)

  it('a bundle of one pure function keeps only what it uses (sideEffects: false)', () => {
    const dir = join(work, 'ts-esm')
    writeFileSync(
      join(dir, 'one.mjs'),
      "import { applyBasisPoints } from 'innkeeper'\nconsole.log(applyBasisPoints(10_050, 1_000))\n",
    )
    sh(
      esbuild,
      ['one.mjs', '--bundle', '--minify', '--platform=node', '--format=esm', '--outfile=one.out.mjs'],
      dir,
    )
    const size = statSync(join(dir, 'one.out.mjs')).size
    console.log(`bundle of applyBasisPoints: ${(size / 1024).toFixed(1)} KB minified`)
    expect(sh('node', ['one.out.mjs'], dir).trim()).toBe('1005')
    expect(size).toBeLessThan(64 * 1024)
  }, 120_000)
})
