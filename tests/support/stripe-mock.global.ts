import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'

/**
 * vitest globalSetup: stripe-mock (Stripe's own mock of its API, generated from Stripe's OpenAPI
 * spec) for the request-shape contract test. Built once with `go install` into
 * `${XDG_CACHE_HOME:-~/.cache}/innkeeper/bin/stripe-mock/` when missing, then started on free ports
 * for the run; its URL is provided to the tests as `stripeMockUrl`. Independent of any other
 * globalSetup entry.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    stripeMockUrl: string
  }
}

const MODULE = 'github.com/stripe/stripe-mock@latest'

export const stripeMockDir = (): string =>
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'innkeeper', 'bin', 'stripe-mock')

/** The cached binary, built with the Go toolchain when it is not there yet. */
export const ensureStripeMock = async (): Promise<string> => {
  const dir = stripeMockDir()
  const binary = join(dir, 'stripe-mock')
  if (existsSync(binary)) return binary
  mkdirSync(dir, { recursive: true })
  process.stderr.write(`stripe-mock: building ${MODULE} into ${dir} (once)\n`)
  try {
    await promisify(execFile)('go', ['install', MODULE], {
      env: { ...process.env, GOBIN: dir },
      maxBuffer: 16 * 1024 * 1024,
    })
  } catch (err) {
    throw new Error(
      `stripe-mock: could not build ${MODULE} (needs Go and the Go module proxy): ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  if (!existsSync(binary)) throw new Error(`stripe-mock: go install finished but ${binary} is missing`)
  return binary
}

/** Starts stripe-mock on free loopback ports; resolves with its HTTP URL once it listens. */
export const startStripeMock = async (binary: string): Promise<{ url: string; child: ChildProcess }> => {
  const child = spawn(binary, ['-http-addr', '127.0.0.1:0', '-https-addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`stripe-mock did not start within 30 s:\n${out}`))
    }, 30_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const m = out.match(/Listening for HTTP at address: (\S+):(\d+)/)
      if (m) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${m[2]}`)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`stripe-mock exited with ${code}:\n${out}`))
    })
  })
  child.stdout?.resume()
  child.stderr?.resume()
  return { url, child }
}

export default async function setup(project: TestProject) {
  const binary = await ensureStripeMock()
  const { url, child } = await startStripeMock(binary)
  project.provide('stripeMockUrl', url)
  return async () => {
    if (child.exitCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    await exited
  }
}
