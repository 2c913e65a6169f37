import { Effect } from 'effect'
import { MongoClient } from 'mongodb'
import { ManualClock } from '../../../adapters/memory/index.js'
import { createMongoAdapters } from '../../../adapters/mongo/index.js'
import { localDate } from '../../../core/domain/shared/dates.js'
import { asId } from '../../../core/domain/shared/ids.js'
import { addMs, instant, MINUTE } from '../../../core/domain/shared/time.js'

/**
 * A second process for the race tests: holds the same nights as the test process, at the same time,
 * through its own connection and adapters, and prints how many of its holds succeeded.
 */
const args = JSON.parse(process.env.HOLD_ARGS ?? '{}') as {
  url: string
  db: string
  listing: string
  prefix: string
  count: number
  checkIn: string
  checkOut: string
  now: number
}
const client = await MongoClient.connect(args.url)
try {
  const clock = new ManualClock(instant(args.now))
  const { availability } = createMongoAdapters(client.db(args.db), { clock })
  const stay = { checkIn: localDate(args.checkIn), checkOut: localDate(args.checkOut) }
  // Connected and ready: wait for the test process to say go, so both start holding at once.
  await availability
    .calendar(asId('listing', args.listing), stay.checkIn, stay.checkOut)
    .pipe(Effect.runPromise)
  process.stdout.write('ready\n')
  await new Promise<void>((resolve) =>
    process.stdin.once('data', () => {
      process.stdin.destroy()
      resolve()
    }),
  )
  const results = await Effect.runPromise(
    Effect.all(
      Array.from({ length: args.count }, (_, i) =>
        Effect.result(
          availability.hold(
            asId('listing', args.listing),
            asId('booking', `bkg_${args.prefix}_${i}`),
            stay,
            addMs(clock.now(), 15 * MINUTE),
          ),
        ),
      ),
      { concurrency: 'unbounded' },
    ),
  )
  process.stdout.write(`${JSON.stringify({ won: results.filter((r) => r._tag === 'Success').length })}\n`)
} finally {
  await client.close()
}
