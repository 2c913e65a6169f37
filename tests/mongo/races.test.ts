import { spawn } from 'node:child_process'
import { Effect, Option } from 'effect'
import { MongoClient } from 'mongodb'
import { afterAll, describe, expect, inject, it, vi } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters, type MongoAdapters } from '../../adapters/mongo/index.js'
import { addDays, localDate } from '../../core/domain/shared/dates.js'
import { asId } from '../../core/domain/shared/ids.js'
import { addMs, MINUTE } from '../../core/domain/shared/time.js'
import { event, makeBooking, makeUser, T0 } from '../contract/fixtures.js'
import { openTestDatabase } from '../support/mongo.js'

/**
 * The concurrency promises of the Mongo adapters, on the real server with several connections
 * (each with adapters of its own, as separate processes would have) and with a second process.
 * Against FerretDB these rest only on what it enforces atomically: unique-key inserts.
 */

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 })

const url = inject('mongoUrl')
const database = await openTestDatabase(url, 'races')
const CONNECTIONS = 4
const clients = await Promise.all(
  Array.from({ length: CONNECTIONS }, () => MongoClient.connect(url, { maxPoolSize: 8 })),
)
const clock = new ManualClock(T0)
/** One set of adapters per connection: nothing process-local (hints, known versions) is shared. */
const connections: MongoAdapters[] = clients.map((c) =>
  createMongoAdapters(c.db(database.db.databaseName), { clock }),
)
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await database.drop()
})

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e)
const D = localDate('2026-06-10')
let listingSeq = 0

describe('Mongo races across connections', () => {
  it('N concurrent holds of stays sharing a night of a k-unit listing: exactly min(N, k) succeed, every round', async () => {
    const cases = [
      { k: 1, n: 16, rounds: 6 },
      { k: 3, n: 16, rounds: 6 },
      { k: 5, n: 4, rounds: 3 },
    ]
    const report: string[] = []
    for (const { k, n, rounds } of cases) {
      for (let round = 0; round < rounds; round++) {
        listingSeq += 1
        const L = asId('listing', `lst_race_${listingSeq}`)
        await run(connections[0]!.availability.setUnits(L, k))
        const attempts = Array.from({ length: n }, (_, i) => {
          // Every stay contains D: starting up to two nights before it, one to three nights long past it.
          const checkIn = addDays(D, -((i * 7 + round) % 3))
          const checkOut = addDays(D, 1 + ((i * 5 + round) % 3))
          const store = connections[i % CONNECTIONS]!.availability
          return Effect.result(
            store.hold(
              L,
              asId('booking', `bkg_${L}_${i}`),
              { checkIn, checkOut },
              addMs(clock.now(), 15 * MINUTE),
            ),
          )
        })
        const results = await run(Effect.all(attempts, { concurrency: 'unbounded' }))
        const won = results.filter((r) => r._tag === 'Success').length
        const nights = await run(connections[1]!.availability.calendar(L, addDays(D, -2), addDays(D, 4)))
        expect({ k, n, round, won }).toEqual({ k, n, round, won: Math.min(n, k) })
        for (const night of nights) expect(night.held).toBeLessThanOrEqual(k)
        expect(nights.find((x) => x.date === D)?.held).toBe(Math.min(n, k))
        // Every failed hold left nothing behind.
        for (const [i, r] of results.entries())
          if (r._tag === 'Failure')
            expect(
              Option.isNone(
                await run(connections[2]!.availability.allocation(L, asId('booking', `bkg_${L}_${i}`))),
              ),
            ).toBe(true)
      }
      report.push(`k=${k} n=${n}: ${rounds} rounds, each exactly ${Math.min(n, k)}`)
    }
    console.info(`[mongo races] holds: ${report.join('; ')}`)
  })

  it('concurrent saves of one version over several connections: exactly one wins, and only its events are pending', async () => {
    const rounds = 8
    for (let round = 0; round < rounds; round++) {
      const b = makeBooking(`bkg_save_race_${round}`, { guestId: asId('user', `usr_race_${round}`) })
      await run(connections[0]!.bookings.save(b, []))
      const events = Array.from({ length: 12 }, () => event(b.id, 'innkeeper.booking.confirmed.v1'))
      const results = await run(
        Effect.all(
          events.map((e, i) =>
            Effect.result(
              connections[i % CONNECTIONS]!.bookings.save({ ...b, message: `writer ${i}`, version: 2 }, [e]),
            ),
          ),
          { concurrency: 'unbounded' },
        ),
      )
      const winners = results.flatMap((r, i) => (r._tag === 'Success' ? [i] : []))
      expect(winners).toHaveLength(1)
      const pending = (await run(connections[3]!.outbox.pending(10_000))).map((p) => p.event.id)
      expect(events.filter((e) => pending.includes(e.id)).map((e) => e.id)).toEqual([events[winners[0]!]!.id])
      const stored = Option.getOrThrow(await run(connections[1]!.bookings.byId(b.id)))
      expect(stored).toMatchObject({ version: 2, message: `writer ${winners[0]}` })
    }
    console.info(`[mongo races] saves: ${rounds} rounds of 12 writers, each exactly one winner`)
  })

  it('concurrent registrations of one e-mail over several connections: exactly one user gets it', async () => {
    for (let round = 0; round < 5; round++) {
      const email = `same${round}@example.com`
      const results = await run(
        Effect.all(
          Array.from({ length: 8 }, (_, i) =>
            Effect.result(
              connections[i % CONNECTIONS]!.users.save(makeUser(`usr_mail_${round}_${i}`, { email }), []),
            ),
          ),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r._tag === 'Success')).toHaveLength(1)
      expect(Option.isSome(await run(connections[0]!.users.byEmail(email)))).toBe(true)
    }
  })

  it('two processes holding the same nights at once: exactly k holds succeed in total', async () => {
    const k = 3
    const perProcess = 10
    const report: string[] = []
    for (let round = 0; round < 3; round++) {
      listingSeq += 1
      const L = `lst_two_processes_${listingSeq}`
      await run(connections[0]!.availability.setUnits(asId('listing', L), k))
      const child = await startHoldProcess({
        url,
        db: database.db.databaseName,
        listing: L,
        prefix: 'child',
        count: perProcess,
        checkIn: D,
        checkOut: addDays(D, 2),
        now: clock.now(),
      })
      child.go()
      const mine = run(
        Effect.all(
          Array.from({ length: perProcess }, (_, i) =>
            Effect.result(
              connections[i % CONNECTIONS]!.availability.hold(
                asId('listing', L),
                asId('booking', `bkg_parent_${i}`),
                { checkIn: D, checkOut: addDays(D, 2) },
                addMs(clock.now(), 15 * MINUTE),
              ),
            ),
          ),
          { concurrency: 'unbounded' },
        ),
      )
      const [childWon, parentResults] = await Promise.all([child.won, mine])
      const parentWon = parentResults.filter((r) => r._tag === 'Success').length
      expect(childWon + parentWon).toBe(k)
      const nights = await run(connections[0]!.availability.calendar(asId('listing', L), D, addDays(D, 2)))
      expect(nights.map((x) => x.held)).toEqual([k, k])
      report.push(`${parentWon}+${childWon}`)
    }
    console.info(
      `[mongo races] two processes, k=3, 10 holds each: parent+child winners per round ${report.join(', ')}`,
    )
  })
})

/**
 * Starts a Node process that connects, then holds `count` stays concurrently when told to go;
 * `won` resolves with how many of its holds succeeded.
 */
const startHoldProcess = (
  args: Record<string, string | number>,
): Promise<{ readonly go: () => void; readonly won: Promise<number> }> =>
  new Promise((ready, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/mongo/support/hold-process.ts'], {
      env: { ...process.env, HOLD_ARGS: JSON.stringify(args) },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    let announced = false
    let settle: { resolve: (n: number) => void; reject: (e: Error) => void } | null = null
    const won = new Promise<number>((resolve, rejectWon) => {
      settle = { resolve, reject: rejectWon }
    })
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!announced && out.includes('ready\n')) {
        announced = true
        ready({ go: () => child.stdin.end('go\n'), won })
      }
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !announced) {
        const e = new Error(`hold process exited with ${code}: ${err}`)
        if (announced) settle?.reject(e)
        else reject(e)
      } else settle?.resolve((JSON.parse(line) as { won: number }).won)
    })
  })
