import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { access, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { MongoClient } from 'mongodb'
import type { TestProject } from 'vitest/node'

/**
 * vitest global setup: the MongoDB-wire server the Mongo suites run against.
 *
 * With `MONGO_URL` set, that server is used as it is (a real MongoDB). Otherwise FerretDB 1.24.2 is
 * found in the cache (`${XDG_CACHE_HOME:-~/.cache}/innkeeper/bin/ferretdb-v1.24.2/ferretdb`) or
 * built there once, then started on a free port with its PostgreSQL handler on a fresh database of
 * the local PostgreSQL (127.0.0.1:5432, trust auth), and stopped and dropped after the run. Tests
 * read the URL with `inject('mongoUrl')`. Nothing here skips: a server that cannot be found, built
 * or started fails the run with the reason.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** A MongoDB connection string; each test file uses databases of its own on it. */
    mongoUrl: string
    /** `ferretdb` when the suites run against the FerretDB started here, `mongodb` for MONGO_URL. */
    mongoServer: 'ferretdb' | 'mongodb'
  }
}

const run = promisify(execFile)

export const FERRETDB_VERSION = 'v1.24.2'
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB'
const PG_HOST = process.env.INNKEEPER_PG_HOST ?? '127.0.0.1'
const PG_PORT = process.env.INNKEEPER_PG_PORT ?? '5432'
const PG_USER = process.env.INNKEEPER_PG_USER ?? 'postgres'

const cacheRoot = (): string => process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
export const ferretDbBinary = (): string =>
  join(cacheRoot(), 'innkeeper', 'bin', `ferretdb-${FERRETDB_VERSION}`, 'ferretdb')

const exists = async (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  )

/** The cached binary runs and reports the expected version (a failed or partial build does not). */
const works = async (bin: string): Promise<boolean> => {
  if (!(await exists(bin))) return false
  try {
    const { stdout } = await run(bin, ['--version'], { timeout: 10_000 })
    return stdout.includes(`version: ${FERRETDB_VERSION}`)
  } catch {
    return false
  }
}

/**
 * Builds FerretDB from its module source. `go install …/cmd/ferretdb@v1.24.2` alone compiles, but
 * the binary panics at start: the module zip lacks `build/version/version.txt`, which the official
 * build generates from git. So the module is downloaded through the Go module proxy, copied to a
 * scratch directory, given that file, and built there; the binary is renamed into place only once
 * it is complete, so a concurrent run never sees half a file.
 */
const build = async (bin: string): Promise<void> => {
  const started = Date.now()
  process.stderr.write(`[ferretdb] building FerretDB ${FERRETDB_VERSION} into ${bin} (once; a few minutes)\n`)
  const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: unknown) => {
    throw new Error(
      `go mod download of FerretDB failed (is Go installed and the module proxy reachable?): ${e}`,
    )
  })
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir
  if (dir === undefined) throw new Error(`go mod download did not say where FerretDB is: ${stdout}`)
  const scratch = await mkdtemp(join(tmpdir(), 'ferretdb-src-'))
  try {
    const src = join(scratch, 'src')
    await cp(dir, src, { recursive: true })
    await run('chmod', ['-R', 'u+w', src])
    await writeFile(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`)
    await mkdir(join(bin, '..'), { recursive: true })
    const partial = `${bin}.partial-${process.pid}`
    await run('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], {
      cwd: src,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      maxBuffer: 64 * 1024 * 1024,
    })
    await rename(partial, bin)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  process.stderr.write(`[ferretdb] built in ${Math.round((Date.now() - started) / 1000)} s\n`)
}

export const ensureFerretDb = async (): Promise<string> => {
  const bin = ferretDbBinary()
  if (await works(bin)) return bin
  await build(bin)
  if (!(await works(bin))) throw new Error(`FerretDB was built at ${bin} but does not run`)
  return bin
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const psql = async (sql: string): Promise<void> => {
  await run(
    'psql',
    ['-h', PG_HOST, '-p', PG_PORT, '-U', PG_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    {
      timeout: 30_000,
    },
  ).catch((e: unknown) => {
    throw new Error(
      `PostgreSQL at ${PG_HOST}:${PG_PORT} (user ${PG_USER}) is needed for FerretDB and did not run \`${sql}\` ` +
        `(start it: .ci/run does): ${e instanceof Error ? e.message : String(e)}`,
    )
  })
}

const waitReady = async (url: string, child: ChildProcess, log: () => string): Promise<void> => {
  const deadline = Date.now() + 30_000
  let last: unknown
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode} at start:\n${log()}`)
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 })
    try {
      await client.connect()
      await client.db('admin').command({ ping: 1 })
      return
    } catch (e) {
      last = e
    } finally {
      await client.close().catch(() => {})
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`FerretDB did not answer within 30 s: ${String(last)}\n${log()}`)
}

export interface RunningFerretDb {
  readonly url: string
  stop(): Promise<void>
}

/** Databases of earlier runs whose process is gone (killed before its teardown): dropped. */
const dropAbandoned = async (): Promise<void> => {
  const { stdout } = await run(
    'psql',
    [
      '-h',
      PG_HOST,
      '-p',
      PG_PORT,
      '-U',
      PG_USER,
      '-d',
      'postgres',
      '-Atc',
      "SELECT datname FROM pg_database WHERE datname LIKE 'innkeeper_ferretdb_%'",
    ],
    { timeout: 30_000 },
  ).catch(() => ({ stdout: '' }))
  for (const name of stdout.split('\n').map((s) => s.trim())) {
    const pid = Number(/^innkeeper_ferretdb_(\d+)_[0-9a-f]+$/.exec(name)?.[1])
    if (!Number.isInteger(pid) || pid === process.pid) continue
    let alive = true
    try {
      process.kill(pid, 0)
    } catch {
      alive = false
    }
    if (!alive) await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
  }
}

/** Starts FerretDB on a fresh PostgreSQL database; `stop` kills it and drops the database. */
export const startFerretDb = async (): Promise<RunningFerretDb> => {
  const bin = await ensureFerretDb()
  await dropAbandoned()
  const pgDb = `innkeeper_ferretdb_${process.pid}_${randomBytes(4).toString('hex')}`
  await psql(`CREATE DATABASE ${pgDb}`)
  // Tests do not need each commit flushed to disk; this is what made a FerretDB insert cost ~9 ms.
  await psql(`ALTER DATABASE ${pgDb} SET synchronous_commit = off`)
  const state = await mkdtemp(join(tmpdir(), 'ferretdb-state-'))
  const port = await freePort()
  // A watchdog shell runs FerretDB and ends it when this process dies without its teardown
  // (a killed test run), so no server outlives the run that started it.
  const watchdog =
    '"$@" & child=$!; trap \'kill $child 2>/dev/null; wait $child; exit 0\' TERM INT; ' +
    'while kill -0 $PPID 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; ' +
    'kill $child 2>/dev/null; wait $child'
  const child = spawn(
    'sh',
    [
      '-c',
      watchdog,
      'ferretdb-watchdog',
      bin,
      '--handler=postgresql',
      `--postgresql-url=postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${pgDb}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
      `--state-dir=${state}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const url = `mongodb://127.0.0.1:${port}/`
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    await psql(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`).catch(() => {})
    await rm(state, { recursive: true, force: true })
  }
  try {
    await waitReady(url, child, () => output)
  } catch (e) {
    await stop()
    throw e
  }
  return { url, stop }
}

/** MONGO_URL when set (a real MongoDB), else a FerretDB started here: for benchmarks outside vitest. */
export const mongoServerForRun = async (): Promise<
  RunningFerretDb & { readonly kind: 'mongodb' | 'ferretdb' }
> => {
  const external = process.env.MONGO_URL
  if (external !== undefined && external !== '')
    return { url: external, stop: async () => {}, kind: 'mongodb' }
  return { ...(await startFerretDb()), kind: 'ferretdb' }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.MONGO_URL
  if (external !== undefined && external !== '') {
    project.provide('mongoUrl', external)
    project.provide('mongoServer', 'mongodb')
    return undefined
  }
  const server = await startFerretDb()
  project.provide('mongoUrl', server.url)
  project.provide('mongoServer', 'ferretdb')
  return () => server.stop()
}
