import type { Effect } from 'effect'
import type { RateTable } from '../core/domain/shared/exchange.js'
import { token } from './tokens.js'

/**
 * The exchange rates a search converts prices with (search by price in one currency across listings
 * priced in others). The table is exact ratios (`core/domain/shared/exchange.ts`); a search records
 * the table it used in its answer.
 */
export interface ExchangeRates {
  /** The table in force now. */
  current(): Effect.Effect<RateTable>
}
export const ExchangeRates = token<ExchangeRates>('ExchangeRates')
