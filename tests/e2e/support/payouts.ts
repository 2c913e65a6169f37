import { Effect, Option } from 'effect'
import type { BookingId } from '../../../core/domain/shared/ids.js'
import type { Account, TestApi } from './api.js'
import { advanceTo, expectStatus, signIn } from './journey.js'

/** A host's `GET /payouts/balance`, checked for 200. */
export const payoutBalance = async (api: TestApi, host: Account) => {
  const res = await api.request('GET', '/api/v1/payouts/balance', { token: host.token })
  expectStatus(res, 200)
  return res.json
}

/** When a booking's stay starts (the engine's record: payouts fall due from it). */
export const checkInOf = (api: TestApi, id: string): number =>
  Option.getOrThrow(Effect.runSync(api.engine.adapters.bookings.byId(id as BookingId))).points.checkInAt!

/**
 * Moves the clock (the background loop runs) and signs the accounts in again, since access tokens
 * last 15 minutes: `[host, guest] = await moveAndSignIn(api, at, host, guest)`.
 */
export const moveAndSignIn = async (api: TestApi, at: number, ...accounts: Account[]): Promise<Account[]> => {
  await advanceTo(api, at)
  const out: Account[] = []
  for (const a of accounts) out.push(await signIn(api, a))
  return out
}
