import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { OUTAGE_QUIET_MS, OutageLog } from '../../adapters/http/outage-log.js'

/**
 * Issue 16 item 1: requests refused with 503 for an unreachable store are logged once per outage at
 * `warn` (and once more when it is over), not once per request.
 */
const capture = () => {
  const lines: { level: number; msg: string; service?: string; refused?: number }[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l !== '') lines.push(JSON.parse(l))
      done()
    },
  })
  return { logger: pino({ level: 'debug' }, stream), lines }
}
const redisDown = (operation: string) =>
  Object.assign(new Error('Connection is closed.'), {
    _tag: 'RedisCommandFailed',
    operation,
    unavailable: true,
  })
const req = (i: number) => ({ requestId: `r${i}`, method: 'POST', path: '/api/v1/bookings' })
const WARN = 40

describe('OutageLog', () => {
  it('a thousand refusals in one outage are one warn line, and its end one more with the count', async () => {
    const { logger, lines } = capture()
    let now = 0
    const log = new OutageLog(logger, () => now)
    for (let i = 0; i < 1_000; i++) {
      now += 10
      log.refused(redisDown(i % 2 === 0 ? 'idempotency.begin' : 'idempotency.abandon'), req(i))
    }
    now += OUTAGE_QUIET_MS - 1
    log.answered()
    now += 2
    log.answered()
    log.answered()
    await new Promise((r) => setImmediate(r))
    const warns = lines.filter((l) => l.level >= WARN)
    expect(warns.map((l) => l.msg)).toEqual([
      'backing service unreachable (idempotency): answering 503 until it is back',
      'backing service reachable again (idempotency): 1000 requests answered 503 over 9990 ms',
    ])
    expect(warns[1]?.refused).toBe(1_000)
    expect(lines.filter((l) => l.level < WARN)).toHaveLength(999)
  })

  it('each backing store has its outage; a refusal after a quiet spell starts a new one', async () => {
    const { logger, lines } = capture()
    let now = 0
    const log = new OutageLog(logger, () => now)
    log.refused(redisDown('idempotency.begin'), req(1))
    log.refused(redisDown('session.rotate'), req(2))
    now += OUTAGE_QUIET_MS + 1
    log.refused(redisDown('idempotency.begin'), req(3))
    await new Promise((r) => setImmediate(r))
    expect(lines.filter((l) => l.level >= WARN).map((l) => `${l.service}: ${l.msg.split(':')[0]}`)).toEqual([
      'idempotency: backing service unreachable (idempotency)',
      'session: backing service unreachable (session)',
      'idempotency: backing service reachable again (idempotency)',
      'idempotency: backing service unreachable (idempotency)',
    ])
  })
})
