import type { CreateListingInput } from '../../core/application/support/listing-input.js'
import type { PropertyType, RoomType } from '../../core/domain/listings/listing.js'
import type { CancellationPolicyName } from '../../core/domain/policies/cancellation.js'
import type { Rng } from './rng.js'

/** A city of the simulated marketplace. Prices are minor units of its currency. */
export interface City {
  readonly name: string
  readonly country: string
  readonly timezone: string
  readonly currency: string
  readonly lat: number
  readonly lng: number
  /** Which months are high season: northern summer or southern summer. */
  readonly hemisphere: 'north' | 'south'
  /** A typical nightly price of an entire one-bedroom home, minor units. */
  readonly typicalNightly: number
  /** Share of the marketplace's supply and demand. */
  readonly weight: number
  readonly taxBp: number
}

export const cities: readonly City[] = [
  {
    name: 'Lisbon',
    country: 'PT',
    timezone: 'Europe/Lisbon',
    currency: 'EUR',
    lat: 38.7223,
    lng: -9.1393,
    hemisphere: 'north',
    typicalNightly: 9_000,
    weight: 12,
    taxBp: 400,
  },
  {
    name: 'Barcelona',
    country: 'ES',
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    lat: 41.3874,
    lng: 2.1686,
    hemisphere: 'north',
    typicalNightly: 11_000,
    weight: 12,
    taxBp: 500,
  },
  {
    name: 'Paris',
    country: 'FR',
    timezone: 'Europe/Paris',
    currency: 'EUR',
    lat: 48.8566,
    lng: 2.3522,
    hemisphere: 'north',
    typicalNightly: 14_000,
    weight: 14,
    taxBp: 500,
  },
  {
    name: 'London',
    country: 'GB',
    timezone: 'Europe/London',
    currency: 'GBP',
    lat: 51.5072,
    lng: -0.1276,
    hemisphere: 'north',
    typicalNightly: 13_000,
    weight: 13,
    taxBp: 0,
  },
  {
    name: 'New York',
    country: 'US',
    timezone: 'America/New_York',
    currency: 'USD',
    lat: 40.7128,
    lng: -74.006,
    hemisphere: 'north',
    typicalNightly: 19_000,
    weight: 14,
    taxBp: 1_475,
  },
  {
    name: 'Mexico City',
    country: 'MX',
    timezone: 'America/Mexico_City',
    currency: 'MXN',
    lat: 19.4326,
    lng: -99.1332,
    hemisphere: 'north',
    typicalNightly: 120_000,
    weight: 8,
    taxBp: 300,
  },
  {
    name: 'Tokyo',
    country: 'JP',
    timezone: 'Asia/Tokyo',
    currency: 'JPY',
    lat: 35.6762,
    lng: 139.6503,
    hemisphere: 'north',
    typicalNightly: 16_000,
    weight: 11,
    taxBp: 1_000,
  },
  {
    name: 'Sydney',
    country: 'AU',
    timezone: 'Australia/Sydney',
    currency: 'AUD',
    lat: -33.8688,
    lng: 151.2093,
    hemisphere: 'south',
    typicalNightly: 21_000,
    weight: 9,
    taxBp: 0,
  },
  {
    name: 'Cape Town',
    country: 'ZA',
    timezone: 'Africa/Johannesburg',
    currency: 'ZAR',
    lat: -33.9249,
    lng: 18.4241,
    hemisphere: 'south',
    typicalNightly: 150_000,
    weight: 7,
    taxBp: 100,
  },
]

/** How much busier a month is than average, by hemisphere (index 0 = January). */
const seasonality: Readonly<Record<City['hemisphere'], readonly number[]>> = {
  north: [0.6, 0.65, 0.8, 0.95, 1.05, 1.25, 1.45, 1.5, 1.15, 0.95, 0.7, 0.95],
  south: [1.45, 1.35, 1.15, 0.95, 0.75, 0.65, 0.7, 0.75, 0.9, 1.05, 1.2, 1.5],
}

/** The demand factor of `city` for stays in `month` (0-11). */
export const seasonFactor = (city: City, month: number): number => seasonality[city.hemisphere][month] ?? 1

interface Kind {
  readonly propertyType: PropertyType
  readonly roomType: RoomType
  readonly weight: number
  readonly guests: readonly [number, number]
  /** Price relative to the city's typical home. */
  readonly price: number
  readonly units: readonly [number, number]
  readonly instantShare: number
  readonly amenities: readonly string[]
  readonly label: string
}

const kinds: readonly Kind[] = [
  {
    propertyType: 'apartment',
    roomType: 'entire_place',
    weight: 46,
    guests: [2, 4],
    price: 1,
    units: [1, 1],
    instantShare: 0.7,
    amenities: ['wifi', 'kitchen', 'washer', 'air_conditioning', 'workspace', 'elevator'],
    label: 'apartment',
  },
  {
    propertyType: 'house',
    roomType: 'entire_place',
    weight: 12,
    guests: [4, 8],
    price: 1.9,
    units: [1, 1],
    instantShare: 0.5,
    amenities: ['wifi', 'kitchen', 'washer', 'garden', 'parking', 'bbq'],
    label: 'house',
  },
  {
    propertyType: 'loft',
    roomType: 'entire_place',
    weight: 6,
    guests: [2, 3],
    price: 1.3,
    units: [1, 1],
    instantShare: 0.7,
    amenities: ['wifi', 'kitchen', 'workspace', 'air_conditioning'],
    label: 'loft',
  },
  {
    propertyType: 'villa',
    roomType: 'entire_place',
    weight: 3,
    guests: [6, 12],
    price: 4,
    units: [1, 1],
    instantShare: 0.3,
    amenities: ['wifi', 'kitchen', 'pool', 'garden', 'parking'],
    label: 'villa',
  },
  {
    propertyType: 'cottage',
    roomType: 'entire_place',
    weight: 3,
    guests: [2, 5],
    price: 1.2,
    units: [1, 1],
    instantShare: 0.5,
    amenities: ['wifi', 'kitchen', 'garden', 'fireplace'],
    label: 'cottage',
  },
  {
    propertyType: 'bnb',
    roomType: 'private_room',
    weight: 14,
    guests: [1, 2],
    price: 0.55,
    units: [1, 1],
    instantShare: 0.6,
    amenities: ['wifi', 'breakfast'],
    label: 'private room',
  },
  {
    propertyType: 'hostel',
    roomType: 'shared_room',
    weight: 3,
    guests: [1, 1],
    price: 0.25,
    units: [4, 8],
    instantShare: 1,
    amenities: ['wifi', 'lockers'],
    label: 'hostel bunk',
  },
  {
    propertyType: 'hotel',
    roomType: 'hotel_room',
    weight: 9,
    guests: [2, 3],
    price: 1.1,
    units: [2, 6],
    instantShare: 1,
    amenities: ['wifi', 'air_conditioning', 'gym', 'breakfast'],
    label: 'hotel room',
  },
]

const policies: readonly CancellationPolicyName[] = [
  'flexible',
  'moderate',
  'firm',
  'strict',
  'non_refundable',
  '48h',
]
const policyWeights = [30, 30, 14, 10, 5, 11]

const streets = ['Rua', 'Avenue', 'Street', 'Road', 'Lane', 'Square', 'Way', 'Place', 'Park', 'Hill']
const adjectives = ['Sunny', 'Quiet', 'Central', 'Bright', 'Cosy', 'Modern', 'Classic', 'Airy', 'Leafy']

/** Rounds a price to a "nice" amount: whole hundreds of minor units. */
const nice = (amount: number): number => Math.max(100, Math.round(amount / 100) * 100)

export interface GeneratedListing {
  readonly city: City
  /** A hidden quality in [1, 5] that drives the ratings guests give. */
  readonly quality: number
  readonly input: CreateListingInput
}

/**
 * A listing of `city`, varied in kind, units, prices and pricing rules, restrictions, cancellation
 * policy and booking mode; high-season prices for every year in [firstYear, lastYear].
 */
export const generateListing = (
  rng: Rng,
  city: City,
  n: number,
  years: { readonly first: number; readonly last: number },
): GeneratedListing => {
  const kind = kinds[rng.weighted(kinds.map((k) => k.weight))]!
  const units = rng.int(kind.units[0], kind.units[1])
  const spread = Math.exp(rng.normal() * 0.3)
  const baseNightly = nice(city.typicalNightly * kind.price * spread)
  const weekendNightly = rng.chance(0.5) ? nice(baseNightly * (1.1 + rng.float() * 0.25)) : null
  const seasons: { from: string; to: string; nightly: number }[] = []
  if (rng.chance(0.45)) {
    const uplift = 1.15 + rng.float() * 0.3
    for (let y = years.first; y <= years.last && seasons.length < 40; y++) {
      if (city.hemisphere === 'north') seasons.push({ from: `${y}-06-15`, to: `${y}-09-15`, nightly: 0 })
      else {
        seasons.push({ from: `${y}-01-01`, to: `${y}-03-01`, nightly: 0 })
        seasons.push({ from: `${y}-12-15`, to: `${y + 1}-01-01`, nightly: 0 })
      }
    }
    for (const s of seasons) s.nightly = nice(baseNightly * uplift)
  }
  const entire = kind.roomType === 'entire_place'
  const maxGuests = rng.int(kind.guests[0], kind.guests[1])
  const minNights =
    kind.propertyType === 'villa' ? rng.pick([3, 5, 7]) : rng.chance(0.65) ? 1 : rng.pick([2, 2, 3, 4])
  const saturdays = (kind.propertyType === 'villa' || kind.propertyType === 'cottage') && rng.chance(0.3)
  const instant = rng.chance(kind.instantShare)
  const amenities = kind.amenities.filter(() => rng.chance(0.75))
  const adjective = rng.pick(adjectives)
  const lat = city.lat + rng.normal() * 0.035
  const lng = city.lng + rng.normal() * 0.045
  return {
    city,
    quality: Math.min(5, Math.max(1, 4.1 + rng.normal() * 0.6)),
    input: {
      title: `${adjective} ${city.name} ${kind.label} #${n}`,
      description: `A ${adjective.toLowerCase()} ${kind.label} in ${city.name}.`,
      propertyType: kind.propertyType,
      roomType: kind.roomType,
      location: {
        address: `${rng.int(1, 250)} ${rng.pick(streets)} ${rng.int(1, 60)}`,
        city: city.name,
        country: city.country,
        lat: Math.round(lat * 1e5) / 1e5,
        lng: Math.round(lng * 1e5) / 1e5,
        timezone: city.timezone,
      },
      amenities,
      maxGuests,
      units,
      currency: city.currency,
      bookingMode: instant ? 'instant' : 'request',
      cancellationPolicy: policies[rng.weighted(policyWeights)]!,
      houseRules: rng.chance(0.5) ? ['No parties', 'No smoking'] : [],
      restrictions: {
        minNights,
        maxNights: rng.pick([14, 30, 90, 365]),
        advanceNoticeDays: rng.pick([0, 0, 1, 2]),
        bookingWindowDays: rng.pick([180, 270, 365, 365]),
        ...(saturdays ? { checkInWeekdays: [6], checkOutWeekdays: [6] } : {}),
      },
      pricing: {
        baseNightly,
        weekendNightly,
        seasons,
        weeklyDiscountBp: rng.chance(0.4) ? rng.pick([500, 1_000, 1_500]) : 0,
        monthlyDiscountBp: rng.chance(0.2) ? rng.pick([1_500, 2_000, 3_000]) : 0,
        cleaningFee: entire ? nice(baseNightly * (0.2 + rng.float() * 0.4)) : 0,
        extraGuestFee: entire && maxGuests > 3 && rng.chance(0.5) ? nice(baseNightly * 0.12) : 0,
        extraGuestThreshold: Math.max(1, Math.min(maxGuests, 2 + rng.int(0, 2))),
        serviceFeeBp: rng.pick([1_200, 1_300, 1_400]),
        commissionBp: 300,
        taxBp: city.taxBp,
      },
    },
  }
}

/** A city drawn by its weight. */
export const pickCity = (rng: Rng): City => cities[rng.weighted(cities.map((c) => c.weight))]!
