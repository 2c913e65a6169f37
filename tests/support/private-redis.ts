import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sleep } from './wait.js'

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const pings = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')))
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
  })

/** A redis-server of this test's own, with its data directory. */
export class PrivateRedis {
  private proc: ChildProcess | undefined
  readonly dir = mkdtempSync(join(tmpdir(), 'innkeeper-redis-fault-'))

  private constructor(
    readonly port: number,
    readonly persistent: boolean,
  ) {}

  static async start(persistent: boolean): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), persistent)
    await r.startProcess()
    return r
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async startProcess(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir]
    args.push(
      ...(this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    )
    const proc = spawn('redis-server', args, { stdio: 'ignore' })
    this.proc = proc
    let spawnError: Error | undefined
    proc.once('error', (e) => {
      spawnError = e
    })
    for (let i = 0; i < 200; i++) {
      if (spawnError !== undefined)
        throw new Error(`cannot start redis-server (is it installed?): ${spawnError.message}`)
      if (await pings(this.port)) return
      await sleep(25)
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING`)
  }

  /** kill -9: no shutdown, no final save. */
  async kill(): Promise<void> {
    const proc = this.proc
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGKILL')
    await exited
  }

  signal(sig: 'SIGSTOP' | 'SIGCONT'): void {
    this.proc?.kill(sig)
  }

  async restart(): Promise<void> {
    await this.kill()
    await this.startProcess()
  }

  async dispose(): Promise<void> {
    this.signal('SIGCONT')
    await this.kill()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
