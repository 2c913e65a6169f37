import { Result } from 'effect'

/**
 * Stripe amounts are "the smallest currency unit", which is the ISO 4217 minor unit innkeeper keeps
 * for almost every currency: cents for USD, yen for JPY (zero-decimal: 5,000 yen is `amount=5000`),
 * fils for the three-decimal dinars. The exceptions are Stripe's own:
 *  - ISK has no minor unit in ISO 4217 but Stripe keeps it two-decimal for compatibility: 5 ISK is
 *    `500` (always a multiple of 100);
 *  - MGA has two minor digits in ISO 4217 but is zero-decimal at Stripe: only whole ariary are
 *    chargeable;
 *  - the three-decimal currencies (BHD, JOD, KWD, OMR, TND) must be multiples of 10 for cards.
 * An amount Stripe cannot represent exactly is refused rather than rounded: money never changes on
 * its way to the provider.
 */
const scaledUp: Readonly<Record<string, number>> = { ISK: 100 }
const scaledDown: Readonly<Record<string, number>> = { MGA: 100 }
const threeDecimal = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND'])

/** innkeeper minor units → Stripe's `amount`, or why Stripe cannot take it. */
export const toStripeAmount = (amount: number, currency: string): Result.Result<number, string> => {
  const c = currency.toUpperCase()
  if (!Number.isSafeInteger(amount) || amount <= 0)
    return Result.fail(`invalid amount ${amount}: a positive whole number of minor units`)
  const up = scaledUp[c]
  if (up !== undefined) return Result.succeed(amount * up)
  const down = scaledDown[c]
  if (down !== undefined)
    return amount % down === 0
      ? Result.succeed(amount / down)
      : Result.fail(`${amount} ${c} minor units is not a whole number of ${c}, which Stripe charges`)
  if (threeDecimal.has(c) && amount % 10 !== 0)
    return Result.fail(`${amount} ${c} minor units: Stripe charges ${c} in multiples of 10`)
  return Result.succeed(amount)
}

/** Stripe's `amount` (of an object in `currency`) → innkeeper minor units. */
export const fromStripeAmount = (amount: number, currency: string): number => {
  const c = currency.toUpperCase()
  const up = scaledUp[c]
  if (up !== undefined) return Math.round(amount / up)
  const down = scaledDown[c]
  if (down !== undefined) return amount * down
  return amount
}

/** Stripe wants lower-case ISO codes. */
export const stripeCurrency = (currency: string): string => currency.toLowerCase()
