import { Effect } from 'effect'
import type {
  ListingCursor,
  ListingFilter,
  ListingRepository,
  SearchPosition,
} from '../../../ports/repositories.js'
import type { Listing } from '../../domain/listings/listing.js'
import { compareWorth, type RateTable, worthIn } from '../../domain/shared/exchange.js'

/** The last listing of a page ordered by price: its currency, base nightly price and id. */
export interface PricePosition {
  readonly currency: string
  readonly amount: number
  readonly id: string
}

type PriceSort = 'price_asc' | 'price_desc'

/**
 * Where the stream of listings priced in `currency` resumes after `p`, as a repository position
 * (key: the base nightly, negated for `price_desc`). A listing comes after `p` when it is worth more
 * (less, descending) than `p`'s price, exactly, in the table's base, or as much with a greater id.
 * When `p`'s price is not a whole amount of `currency`, no listing is worth exactly as much: the
 * stream resumes at the first whole amount past it (id '' sorts before every id).
 */
export const resumeIn = (
  table: RateTable,
  p: PricePosition,
  currency: string,
  sort: PriceSort,
): SearchPosition => {
  const sign = sort === 'price_asc' ? 1 : -1
  if (currency === p.currency) return { key: sign * p.amount, id: p.id }
  const w = worthIn(table, p.amount, p.currency, currency)
  if (w.exact) return { key: sign * w.floor, id: p.id }
  return sort === 'price_asc' ? { key: w.ceil, id: '' } : { key: -w.floor, id: '' }
}

/**
 * The active listings of a search in price order across currencies, without dates: one repository
 * search per currency of the table (each in its own price order, which conversion keeps), merged by
 * exact worth in the table's base, ties by id. Listings priced in a currency the table lacks are
 * not in it.
 */
export const mergedByWorth = (
  listings: ListingRepository,
  table: RateTable,
  filter: ListingFilter,
  sort: PriceSort,
  after: PricePosition | null,
): Effect.Effect<ListingCursor> =>
  Effect.gen(function* () {
    const streams: {
      readonly cursor: ListingCursor
      buffer: readonly Listing[]
      at: number
      done: boolean
    }[] = []
    for (const currency of Object.keys(table.rates).sort()) {
      const start = after === null ? null : resumeIn(table, after, currency, sort)
      streams.push({
        cursor: yield* listings.search({ ...filter, currency }, sort, start),
        buffer: [],
        at: 0,
        done: false,
      })
    }
    const sign = sort === 'price_asc' ? 1 : -1
    const order = (a: Listing, b: Listing): number =>
      sign *
        compareWorth(
          table,
          { amount: a.pricing.baseNightly, currency: a.currency },
          { amount: b.pricing.baseNightly, currency: b.currency },
        ) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    return {
      next: (max: number) =>
        Effect.gen(function* () {
          const out: Listing[] = []
          while (out.length < max) {
            let best: (typeof streams)[number] | null = null
            for (const s of streams) {
              if (s.at >= s.buffer.length && !s.done) {
                s.buffer = yield* s.cursor.next(max)
                s.at = 0
                if (s.buffer.length === 0) s.done = true
              }
              if (
                s.at < s.buffer.length &&
                (best === null || order(s.buffer[s.at]!, best.buffer[best.at]!) < 0)
              )
                best = s
            }
            if (best === null) break
            out.push(best.buffer[best.at]!)
            best.at++
          }
          return out
        }),
      close: () => Effect.forEach(streams, (s) => s.cursor.close(), { discard: true }),
    }
  })
