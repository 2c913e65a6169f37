import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export interface AppProcess {
  readonly child: ChildProcess
  /** stdout and stderr so far. */
  output(): string
  readonly exit: Promise<number | null>
  /** Resolves with the first match of `re` in the output (waiting for it), or rejects at exit/timeout. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
}

/**
 * Runs `npm start` (apps/api/main.ts) or `npm run worker` (apps/worker/main.ts) as a child process
 * with the given environment on top of a clean one (no INNKEEPER_* of the test run's own).
 */
export const spawnApp = (script: 'apps/api/main.ts' | 'apps/worker/main.ts', env: Record<string, string>) => {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INNKEEPER_') && k !== 'NODE_ENV' && k !== 'PORT' && !k.startsWith('VITEST'),
    ),
  )
  // One process (node with tsx's loader), not the tsx CLI, which runs the script in a child of its
  // own: a SIGKILL must reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...clean, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const listeners = new Set<() => void>()
  const onData = (d: Buffer) => {
    out += d.toString()
    for (const l of listeners) l()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let exited = false
  void exit.then(() => {
    exited = true
    for (const l of listeners) l()
  })
  const waitFor = (re: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(out)
        if (m) {
          done()
          resolve(m)
        } else if (exited) {
          done()
          reject(new Error(`${script} exited before printing ${re}:\n${out.slice(-4_000)}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`${script} did not print ${re} within ${timeoutMs} ms:\n${out.slice(-4_000)}`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        listeners.delete(check)
      }
      listeners.add(check)
      check()
    })
  const app: AppProcess = { child, output: () => out, exit, waitFor }
  return app
}

/** Starts an API process and resolves with its URL once it listens. */
export const startApiProcess = async (
  env: Record<string, string>,
): Promise<AppProcess & { readonly url: string }> => {
  const p = spawnApp('apps/api/main.ts', { PORT: '0', ...env })
  const m = await p.waitFor(/listening on (http:\/\/\S+)\s/)
  return { ...p, url: m[1] as string }
}

/** SIGTERM, then the exit code (SIGKILL after `graceMs`). */
export const stopProcess = async (p: AppProcess, graceMs = 15_000): Promise<number | null> => {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode
  p.child.kill('SIGTERM')
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs)
  const code = await p.exit
  clearTimeout(timer)
  return code
}

/** The pids of every live descendant of `pid` (from /proc, Linux). */
export const descendants = (pid: number): number[] => {
  const parents = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The command name (2nd field) may hold spaces and parentheses: the ppid follows the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
    } catch {
      // Gone between the listing and the read.
    }
  }
  const out: number[] = []
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

/** Whether a process with this pid is still running (a zombie counts as gone). */
export const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** SIGKILL to a process and everything under it (npm, and the server it runs): a failed test's cleanup. */
export const killTree = (child: ChildProcess): void => {
  if (child.pid === undefined) return
  for (const pid of descendants(child.pid)) process.kill(pid, 'SIGKILL')
  child.kill('SIGKILL')
}
