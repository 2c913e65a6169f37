import autocannon from 'autocannon'
import { percentile } from '../report.js'

/** One request of a load: its path, and for a POST its headers and body. */
export interface NextRequest {
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** What a load sends: a method and a generator of requests (each call the next one). */
export interface Load {
  readonly method: 'GET' | 'POST'
  next(): NextRequest
  /** Requests this load can still send before its requests stop being distinct (bookings). */
  remaining?(): number
}

export interface LoadResult {
  readonly requests: number
  readonly seconds: number
  readonly rps: number
  /** Responses by status code. */
  readonly statuses: Readonly<Record<string, number>>
  readonly ok: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  /** Latency of every response, ms: p50, p97.5, p99, max. */
  readonly latency: {
    readonly p50: number
    readonly p97_5: number
    readonly p99: number
    readonly max: number
  }
  /** CPU the load generator (this process) used, as a share of one core (1 = saturated). */
  readonly clientCpu: number
  /** Responses by the value of the header asked for (`tally`), e.g. X-Cache hit / miss. */
  readonly tally: Readonly<Record<string, number>>
}

/** Growable array of latencies (ms), sorted on demand. */
class Latencies {
  private values = new Float64Array(4096)
  private n = 0
  add(ms: number): void {
    if (this.n === this.values.length) {
      const next = new Float64Array(this.n * 2)
      next.set(this.values)
      this.values = next
    }
    this.values[this.n++] = ms
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.n).sort()
  }
}

/**
 * Drives `load` against `url` with autocannon (programmatic, in this process) for `seconds` with
 * `connections` keep-alive connections, and returns throughput (responses over the time from the
 * start to the last response) and every response's latency.
 */
export const runLoad = async (
  url: string,
  load: Load,
  o: {
    readonly seconds: number
    readonly connections: number
    /** Send exactly this many requests (then `seconds` is only an upper bound). */
    readonly requests?: number
    /** Count responses by the value of this header (lower case). */
    readonly tally?: string
  },
): Promise<LoadResult> => {
  const tally: Record<string, number> = {}
  const tallied = o.tally
  const latencies = new Latencies()
  const statuses: Record<string, number> = {}
  let responses = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let last = t0
  const remaining = load.remaining?.()
  const max =
    remaining === undefined
      ? o.requests
      : Math.min(o.requests ?? Number.POSITIVE_INFINITY, Math.max(o.connections, remaining))
  let settle: (r: autocannon.Result) => void = () => {}
  let failed: (e: unknown) => void = () => {}
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve
    failed = reject
  })
  const instance = autocannon(
    {
      url,
      connections: o.connections,
      duration: o.seconds,
      // Sample every 50 ms: a run ends at the first sample after its duration.
      sampleInt: 50,
      ...(max === undefined ? {} : { maxOverallRequests: max }),
      ...(tallied === undefined
        ? {}
        : {
            setupClient: (client: autocannon.Client) =>
              // The 'headers' event carries the parser's record: the raw headers as [name, value, …].
              client.on('headers', (info: unknown) => {
                const raw = (info as { headers?: unknown }).headers
                if (!Array.isArray(raw)) return
                for (let i = 0; i + 1 < raw.length; i += 2)
                  if (String(raw[i]).toLowerCase() === tallied) {
                    const v = String(raw[i + 1])
                    tally[v] = (tally[v] ?? 0) + 1
                  }
              }),
          }),
      requests: [
        {
          method: load.method,
          setupRequest: (req) => {
            const r = load.next()
            return {
              ...req,
              path: r.path,
              ...(r.headers === undefined ? {} : { headers: { ...req.headers, ...r.headers } }),
              ...(r.body === undefined ? {} : { body: r.body }),
            }
          },
        },
      ],
    },
    (err: unknown, r: autocannon.Result) => (err ? failed(err) : settle(r)),
  )
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    responses++
    last = performance.now()
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    latencies.add(responseTime)
  })
  const result = await done
  const cpu = process.cpuUsage(cpu0)
  const seconds = (last - t0) / 1000
  const sorted = latencies.sorted()
  const ok = Object.entries(statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0)
  return {
    requests: responses,
    seconds,
    rps: seconds > 0 ? responses / seconds : 0,
    statuses,
    ok,
    non2xx: responses - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: {
      p50: percentile(sorted, 50),
      p97_5: percentile(sorted, 97.5),
      p99: percentile(sorted, 99),
      max: sorted.length > 0 ? sorted[sorted.length - 1]! : 0,
    },
    clientCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - t0),
    tally,
  }
}
