import { spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { alive, descendants, killTree } from './support/processes.js'

/**
 * Issue 16 item 4, shutdown keeps its promises: `npm start` (the real package.json script, through
 * npm) under load receives SIGTERM; npm forwards it to the server, which closes idle connections at
 * once, answers every request it had received with `Connection: close`, and exits 0, leaving no
 * process behind. The time to exit is printed, not asserted.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** When the whole response had arrived (Date.now()). */
  readonly at: number
}

/** One HTTP/1.1 connection on a raw socket: what it sends and receives is exactly what is on the wire. */
class Wire {
  private buffer = Buffer.alloc(0)
  private waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void } | null = null
  error: string | null = null
  /** The server closed the connection (FIN), at this time. */
  endedAt: number | null = null
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d])
      this.parse()
    })
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e.code ?? e.message
      this.waiting?.reject(e)
    })
    socket.on('end', () => {
      this.endedAt = Date.now()
      this.waiting?.reject(
        new Error(`connection ended before a complete response (${this.buffer.length} bytes)`),
      )
    })
  }

  static open(port: number, host: string): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new Wire(socket)))
      socket.once('error', reject)
    })
  }

  /** Sends bytes; the next complete response resolves `answer`. */
  send(bytes: string | Buffer): void {
    this.socket.write(bytes)
  }

  answer(): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.parse()
    })
  }

  private parse(): void {
    if (this.waiting === null) return
    const end = this.buffer.indexOf('\r\n\r\n')
    if (end < 0) return
    const [statusLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n')
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    )
    const rest = this.buffer.subarray(end + 4)
    let length: number
    if (headers['transfer-encoding'] === 'chunked') {
      const last = rest.indexOf('0\r\n\r\n')
      if (last < 0) return
      length = last + 5
    } else length = Number(headers['content-length'] ?? 0)
    if (rest.length < length) return
    this.buffer = rest.subarray(length)
    const w = this.waiting
    this.waiting = null
    w.resolve({ status: Number(statusLine.split(' ')[1]), headers, at: Date.now() })
  }
}

const request = (method: string, path: string, host: string, body?: string) =>
  `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n${
    body === undefined
      ? ''
      : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
  }\r\n${body ?? ''}`

const registration = (i: number) =>
  JSON.stringify({
    email: `drain-${i}-${Date.now()}@innkeeper.example`,
    password: 'correct horse battery staple',
    name: `Drain ${i}`,
  })

/** A registration the API refuses (400) without hashing a password: its e-mail is not one. */
const refused = (i: number, pad: number) =>
  JSON.stringify({
    email: `not-an-email-${i}`,
    password: 'correct horse battery staple',
    name: `Drain ${i}`,
  }) + ' '.repeat(pad)

describe('SIGTERM to npm start under load', () => {
  it('answers every request the server had received with Connection: close, closes idle connections at once, exits 0 and leaves no process', async () => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) =>
          !k.startsWith('INNKEEPER_') &&
          !k.startsWith('npm_') &&
          !k.startsWith('VITEST') &&
          k !== 'NODE_ENV' &&
          k !== 'PORT',
      ),
    )
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...clean,
        PORT: '0',
        LOG_LEVEL: 'info',
        INNKEEPER_SEED: 'false',
        INNKEEPER_RATE_LIMIT: 'false',
        INNKEEPER_SHUTDOWN_GRACE_MS: '60000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    npm.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    npm.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const exit = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
      npm.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    )
    const killer = setTimeout(() => killTree(npm), 150_000)
    const tree: number[] = []
    try {
      const listening = await new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = /listening on http:\/\/([\d.]+):(\d+)\s/.exec(out)
          if (m) resolve(m)
        }
        npm.stdout.on('data', check)
        void exit.then(() => reject(new Error(`npm start exited before listening:\n${out}`)))
      })
      const host = listening[1] as string
      const port = Number(listening[2])
      const authority = `${host}:${port}`
      // npm, and under it the server itself (the script execs node: no shell in between).
      tree.push(...descendants(npm.pid as number))
      expect(tree.length).toBeGreaterThan(0)

      // An idle connection that never sent a byte, and an idle keep-alive one between requests.
      const silent = await Wire.open(port, host)
      const keptAlive = await Wire.open(port, host)
      keptAlive.send(request('GET', '/health/live', authority))
      expect((await keptAlive.answer()).status).toBe(200)

      // In flight at the signal: 40 POSTs and 20 uploads of 60 kB whose bodies are half sent (the
      // rest follows the signal), and 2 registrations hashing their password (scrypt, slow). All on
      // connections the server has accepted (each answered a first request). The POSTs and uploads
      // are refused registrations (a bad e-mail: 400, no hashing), so the drain waits on the
      // clients, not on this busy machine's CPU.
      const posts = await Promise.all(Array.from({ length: 40 }, () => Wire.open(port, host)))
      const uploads = await Promise.all(Array.from({ length: 20 }, () => Wire.open(port, host)))
      const hashing = await Promise.all(Array.from({ length: 2 }, () => Wire.open(port, host)))
      const halfSent = [...posts, ...uploads]
      await Promise.all(
        [...halfSent, ...hashing].map(async (w) => {
          w.send(request('GET', '/health/live', authority))
          expect((await w.answer()).status).toBe(200)
        }),
      )
      const bodies = halfSent.map((_, i) => refused(i, i < posts.length ? 0 : 60_000))
      const halfAnswers = halfSent.map((w, i) => {
        const a = w.answer()
        const body = bodies[i] as string
        const head = request('POST', '/api/v1/auth/register', authority, body)
        w.send(head.slice(0, head.length - Math.floor(body.length / 2)))
        return a
      })
      const hashAnswers = hashing.map((w, i) => {
        const a = w.answer()
        w.send(request('POST', '/api/v1/auth/register', authority, registration(i)))
        return a
      })
      const inFlight = [...halfAnswers, ...hashAnswers]
      for (const a of inFlight) a.catch(() => undefined)
      // Let the server read what was sent.
      await new Promise((r) => setTimeout(r, 500))

      const signalled = Date.now()
      npm.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 300))
      for (const [i, w] of halfSent.entries()) {
        const body = bodies[i] as string
        w.send(body.slice(body.length - Math.floor(body.length / 2)))
      }

      const answers = await Promise.allSettled(inFlight)
      const ended = await exit
      const secs = ((ended.at - signalled) / 1000).toFixed(2)
      const afterSignal = answers.filter(
        (a): a is PromiseFulfilledResult<Answer> => a.status === 'fulfilled' && a.value.at >= signalled,
      )
      process.stdout.write(
        `shutdown under load: exit ${ended.code} ${secs} s after SIGTERM; ${afterSignal.length} of ${answers.length} requests answered during the drain\n`,
      )

      // Every request the server had received got a complete answer: no reset, no cut.
      const failed = answers.flatMap((a, i) =>
        a.status === 'rejected' ? [`#${i}: ${String(a.reason)}`] : [],
      )
      expect(failed).toEqual([])
      expect(answers.map((a) => (a.status === 'fulfilled' ? a.value.status : 0))).toEqual([
        ...halfSent.map(() => 400),
        ...hashing.map(() => 201),
      ])
      expect([...halfSent, ...hashing].map((w) => w.error).filter((e) => e !== null)).toEqual([])
      // Those answered during the drain told their client to reconnect elsewhere.
      expect(afterSignal.length).toBeGreaterThanOrEqual(halfSent.length)
      for (const a of afterSignal) expect(a.value.headers.connection).toBe('close')
      // The idle connections were closed by the server (FIN, not reset) at once: before the last
      // upload, whose body ended after the signal, was answered.
      const lastAnswer = Math.max(...afterSignal.map((a) => a.value.at))
      for (const w of [silent, keptAlive]) {
        expect(w.error).toBeNull()
        expect(w.endedAt).not.toBeNull()
        expect(w.endedAt as number).toBeLessThan(lastAnswer)
      }
      expect(out).toContain('every request received was answered')
      expect(ended).toMatchObject({ code: 0, signal: null })
      expect(tree.filter(alive)).toEqual([])
    } finally {
      clearTimeout(killer)
      if (npm.exitCode === null && npm.signalCode === null) killTree(npm)
      for (const pid of tree.filter(alive)) process.kill(pid, 'SIGKILL')
    }
  }, 180_000)
})
