import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerInfo } from './server.js'

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.ts')

export interface SpawnedServer {
  readonly info: ServerInfo
  /** CPU time (user + system) the server process has used so far, in ms (Linux /proc; 0 elsewhere). */
  cpuMs(): number
  /** Asks the server to stop (SIGTERM) and waits for it to exit (SIGKILL after 10 s). */
  close(): Promise<void>
}

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100

const cpuOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields after the command: state is index 0, utime 11, stime 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK
  } catch {
    return 0
  }
}

/**
 * Starts `bench/http/server.ts` in a process of its own with `args`, waits for the JSON line it
 * prints when ready (up to `timeoutMs`), and returns it.
 * Closing the server's standard input (this process ending) stops it too.
 */
export const spawnServer = (
  args: readonly string[],
  options: {
    readonly timeoutMs?: number
    /** Written to the server's standard input as one line once it resolves (e.g. `--bodies -`). */
    readonly input?: Promise<string>
  } = {},
): Promise<SpawnedServer> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    options.input?.then(
      (line) => child.stdin?.write(`${line}\n`),
      () => void close(),
    )
    let out = ''
    let err = ''
    let settled = false
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    const close = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(killer)
      }
    }
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      void close()
      reject(
        new Error(
          `bench server (${args.join(' ')}) not ready after ${options.timeoutMs ?? 300_000} ms\n${err}`,
        ),
      )
    }, options.timeoutMs ?? 300_000)
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-20_000)
    })
    child.stdout?.on('data', (d: Buffer) => {
      if (settled) return
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      settled = true
      clearTimeout(timer)
      try {
        const info = JSON.parse(out.slice(0, nl)) as ServerInfo
        const pid = child.pid ?? 0
        resolve({ info, cpuMs: () => cpuOf(pid), close })
      } catch (e) {
        void close()
        reject(
          new Error(
            `bench server printed something other than its JSON line: ${out.slice(0, 200)} (${String(e)})`,
          ),
        )
      }
    })
    child.once('exit', (code, signal) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(
        new Error(`bench server (${args.join(' ')}) exited (${code ?? signal}) before it was ready\n${err}`),
      )
    })
  })
