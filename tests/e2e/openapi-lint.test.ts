import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApi } from './support/api.js'

/*
 * Rule (issue 15): the document the server serves passes third-party linters as an outside client
 * would run them: Redocly CLI (recommended ruleset, redocly.yaml) and Spectral (`spectral:oas`,
 * .spectral.yaml), with zero errors and zero warnings; the only rule turned off is in .spectral.yaml
 * with its reason. The CLIs run from node_modules through node (no download), in parallel.
 */

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const REDOCLY = join(root, 'node_modules/@redocly/cli/bin/cli.js')
const SPECTRAL = join(root, 'node_modules/@stoplight/spectral-cli/dist/index.js')
const quiet = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_COLOR: '1',
}

interface Finding {
  readonly tool: string
  readonly rule: string
  readonly severity: string
  readonly message: string
  readonly where: string
}

/** Runs a CLI that exits non-zero on findings: its stdout either way. */
const output = async (args: readonly string[]): Promise<string> => {
  try {
    return (await run(process.execPath, [...args], { cwd: root, env: quiet, maxBuffer: 64 << 20 })).stdout
  } catch (e) {
    const out = (e as { stdout?: string }).stdout
    if (typeof out === 'string' && out.trim() !== '') return out
    throw e
  }
}

const redocly = async (file: string): Promise<Finding[]> => {
  const out = await output([REDOCLY, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'])
  const report = JSON.parse(out.slice(out.indexOf('{'))) as {
    problems: { ruleId: string; severity: string; message: string; location?: { pointer?: string }[] }[]
  }
  return report.problems.map((p) => ({
    tool: 'redocly',
    rule: p.ruleId,
    severity: p.severity,
    message: p.message,
    where: p.location?.[0]?.pointer ?? '',
  }))
}

const SEVERITY = ['error', 'warning', 'info', 'hint']
const spectral = async (file: string): Promise<Finding[]> => {
  const out = await output([
    SPECTRAL,
    'lint',
    file,
    '--ruleset',
    join(root, '.spectral.yaml'),
    '--format',
    'json',
    '--fail-severity',
    'hint',
    '--quiet',
  ])
  const results = JSON.parse(out.slice(out.indexOf('['))) as {
    code: string
    severity: number
    message: string
    path: string[]
  }[]
  return results.map((r) => ({
    tool: 'spectral',
    rule: r.code,
    severity: SEVERITY[r.severity] ?? String(r.severity),
    message: r.message,
    where: r.path.join('.'),
  }))
}

describe('OpenAPI document under Redocly and Spectral', () => {
  let dir: string
  let doc: Record<string, unknown>
  beforeAll(async () => {
    const api = await startTestApi()
    try {
      doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as Record<string, unknown>
    } finally {
      await api.close()
    }
    dir = await mkdtemp(join(tmpdir(), 'innkeeper-openapi-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('is clean: no error, no warning (Redocly recommended, Spectral spectral:oas)', async () => {
    const file = join(dir, 'openapi.json')
    await writeFile(file, JSON.stringify(doc))
    const [r, s] = await Promise.all([redocly(file), spectral(file)])
    expect([...r, ...s]).toEqual([])
  }, 60_000)

  it('the linters are not rubber stamps: a copy with the old wishlist path, no licence and no tags fails both', async () => {
    const broken = JSON.parse(JSON.stringify(doc)) as {
      info: Record<string, unknown>
      paths: Record<string, unknown>
      tags?: unknown
    }
    delete broken.info.license
    delete broken.tags
    const path = '/api/v1/users/me/wishlist/{listing_id}'
    expect(broken.paths[path]).toBeDefined()
    broken.paths['/api/v1/users/me/wishlist/{listingId}'] = broken.paths[path]
    delete broken.paths[path]
    const file = join(dir, 'broken.json')
    await writeFile(file, JSON.stringify(broken))
    const [r, s] = await Promise.all([redocly(file), spectral(file)])
    expect(r.map((f) => f.rule)).toEqual(expect.arrayContaining(['path-parameters-defined', 'info-license']))
    expect(s.map((f) => f.rule)).toEqual(expect.arrayContaining(['path-params', 'operation-tag-defined']))
  }, 60_000)
})
