import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BenchReport, fig, formatTable } from './report.js'

/**
 * What the package costs an embedding team: the tarball, a core-only install, the time and module
 * count of importing the core entry (beside `effect` alone, in the same run), and the bundle of
 * one pure function.
 *
 *   npx tsx bench/package.ts [--quick]
 */

const root = resolve(import.meta.dirname, '..')
const sh = (cmd: string, args: readonly string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

const duBytes = (dir: string): number => {
  let total = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) total += duBytes(p)
    else if (e.isFile()) total += statSync(p).size
  }
  return total
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** A module-load counter: a resolve hook that appends one line per module loaded. */
const HOOK = `import { appendFileSync } from 'node:fs'
let file
export function initialize(data) { file = data.file }
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n')
  return next(url, context)
}`

/** Median wall time of `import(spec)` in a fresh process, and how many modules it loaded. */
const importCost = (dir: string, spec: string, runs: number): { ms: number; modules: number } => {
  const hook = join(dir, 'count-hook.mjs')
  writeFileSync(hook, HOOK)
  const countFile = join(dir, 'count.txt')
  const register = join(dir, 'register.mjs')
  const data = JSON.stringify({ data: { file: countFile } })
  writeFileSync(
    register,
    `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hook).href)}, ${data})\n`,
  )
  const script = `const t = performance.now(); await import(${JSON.stringify(spec)}); console.log(performance.now() - t)`
  const times: number[] = []
  for (let i = 0; i < runs; i++)
    times.push(Number(sh('node', ['--input-type=module', '-e', script], dir).trim()))
  writeFileSync(countFile, '')
  execFileSync(
    'node',
    [
      '--import',
      pathToFileURL(register).href,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(spec)})`,
    ],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  )
  const modules = readFileSync(countFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('file:')).length
  return { ms: median(times), modules }
}

export const run = async ({ quick }: { quick: boolean }): Promise<BenchReport> => {
  const work = mkdtempSync(join(tmpdir(), 'innkeeper-bench-package-'))
  try {
    const packed = sh('npm', ['pack', '--pack-destination', work, '--silent'], root).trim().split('\n')
    const tarball = join(work, packed[packed.length - 1]!)
    const files = sh('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).length
    const app = join(work, 'core-only')
    mkdirSync(app)
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'core-only', private: true, type: 'module' }),
    )
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app)
    const nm = join(app, 'node_modules')
    const packages = readdirSync(nm).flatMap((n) =>
      n.startsWith('.') ? [] : n.startsWith('@') ? readdirSync(join(nm, n)) : [n],
    ).length
    const runs = quick ? 3 : 9
    const core = importCost(app, 'innkeeper', runs)
    const engine = importCost(app, 'innkeeper/engine', runs)
    const effect = importCost(app, 'effect', runs)
    writeFileSync(
      join(app, 'one.mjs'),
      "import { applyBasisPoints } from 'innkeeper'\nconsole.log(applyBasisPoints(1, 1))\n",
    )
    sh(
      join(root, 'node_modules', '.bin', 'esbuild'),
      ['one.mjs', '--bundle', '--minify', '--format=esm', '--outfile=one.out.mjs'],
      app,
    )
    const bundle = statSync(join(app, 'one.out.mjs')).size
    return {
      name: 'package',
      rows: [
        { what: 'tarball', value: fig(statSync(tarball).size / 1024), unit: 'KB', detail: `${files} files` },
        {
          what: 'core-only install',
          value: packages,
          unit: 'packages',
          detail: `${fig(duBytes(nm) / 2 ** 20)} MB`,
        },
        {
          what: "import('innkeeper')",
          value: fig(core.ms),
          unit: 'ms (median)',
          detail: `${core.modules} modules`,
        },
        {
          what: "import('innkeeper/engine')",
          value: fig(engine.ms),
          unit: 'ms (median)',
          detail: `${engine.modules} modules`,
        },
        {
          what: "import('effect') alone",
          value: fig(effect.ms),
          unit: 'ms (median)',
          detail: `${effect.modules} modules`,
        },
        {
          what: 'bundle: one pure function',
          value: bundle,
          unit: 'bytes',
          detail: 'esbuild --bundle --minify',
        },
      ],
      notes: [
        `import times: median of ${runs} fresh processes each; module counts from a load hook`,
        `core entry vs effect alone: ${fig(core.ms / effect.ms)}x the time, ${core.modules - effect.modules} more modules`,
      ],
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await run({ quick: process.argv.includes('--quick') })
  process.stdout.write(`${formatTable(report).join('\n')}\n`)
}
