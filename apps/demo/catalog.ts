import type { CreateListingInput } from '../../core/application/support/listing-input.js'

/** Who hosts a listing of the demo catalogue. */
export type HostKey = 'ana' | 'ben'

export interface CatalogEntry {
  /** A short handle the script refers to the listing by. */
  readonly key: string
  readonly host: HostKey
  readonly input: CreateListingInput
}

const lisbon = (address: string, lat: number, lng: number) => ({
  address,
  city: 'Lisbon',
  country: 'PT',
  lat,
  lng,
  timezone: 'Europe/Lisbon',
})
const newYork = (address: string, lat: number, lng: number) => ({
  address,
  city: 'New York',
  country: 'US',
  lat,
  lng,
  timezone: 'America/New_York',
})
const tokyo = (address: string, lat: number, lng: number) => ({
  address,
  city: 'Tokyo',
  country: 'JP',
  lat,
  lng,
  timezone: 'Asia/Tokyo',
})

/** Platform fees every listing of the demo charges: 12 % guest service fee, 3 % host commission. */
const fees = { serviceFeeBp: 1_200, commissionBp: 300 } as const

/**
 * Twelve listings in three cities and three currencies: homes (one unit) and two hotel room types
 * of five units, instant and request-to-book, weekend and season prices, weekly discounts,
 * cleaning fees and every cancellation policy.
 */
export const catalog: readonly CatalogEntry[] = [
  {
    key: 'alfama',
    host: 'ana',
    input: {
      title: 'Alfama loft with river view',
      propertyType: 'loft',
      roomType: 'entire_place',
      location: lisbon('Rua de São Miguel 12', 38.7115, -9.1303),
      amenities: ['wifi', 'kitchen', 'washer'],
      maxGuests: 3,
      currency: 'EUR',
      bookingMode: 'instant',
      cancellationPolicy: 'flexible',
      pricing: {
        baseNightly: 9_000,
        weekendNightly: 11_000,
        weeklyDiscountBp: 1_000,
        cleaningFee: 3_000,
        taxBp: 400,
        ...fees,
      },
    },
  },
  {
    key: 'belem',
    host: 'ana',
    input: {
      title: 'Belém family house',
      propertyType: 'house',
      roomType: 'entire_place',
      location: lisbon('Rua de Belém 88', 38.6975, -9.2064),
      amenities: ['wifi', 'kitchen', 'garden', 'parking'],
      maxGuests: 6,
      currency: 'EUR',
      bookingMode: 'request',
      cancellationPolicy: 'moderate',
      pricing: {
        baseNightly: 15_000,
        seasons: [{ from: '2026-04-17', to: '2026-04-19', nightly: 19_000 }],
        cleaningFee: 5_000,
        extraGuestFee: 1_500,
        extraGuestThreshold: 4,
        taxBp: 400,
        ...fees,
      },
    },
  },
  {
    key: 'chiado',
    host: 'ana',
    input: {
      title: 'Chiado studio',
      propertyType: 'apartment',
      roomType: 'entire_place',
      location: lisbon('Rua Garrett 40', 38.7107, -9.142),
      amenities: ['wifi', 'air_conditioning'],
      maxGuests: 2,
      currency: 'EUR',
      bookingMode: 'instant',
      cancellationPolicy: 'firm',
      pricing: { baseNightly: 7_000, cleaningFee: 2_000, taxBp: 400, ...fees },
    },
  },
  {
    key: 'graca',
    host: 'ana',
    input: {
      title: 'Graça private room',
      propertyType: 'bnb',
      roomType: 'private_room',
      location: lisbon('Largo da Graça 5', 38.7168, -9.1308),
      amenities: ['wifi', 'breakfast'],
      maxGuests: 2,
      currency: 'EUR',
      bookingMode: 'instant',
      cancellationPolicy: 'strict',
      pricing: { baseNightly: 4_500, taxBp: 400, ...fees },
    },
  },
  {
    key: 'brooklyn',
    host: 'ben',
    input: {
      title: 'Brooklyn brownstone',
      propertyType: 'house',
      roomType: 'entire_place',
      location: newYork('210 Clinton St, Brooklyn', 40.6889, -73.9937),
      amenities: ['wifi', 'kitchen', 'washer', 'workspace'],
      maxGuests: 5,
      currency: 'USD',
      bookingMode: 'instant',
      cancellationPolicy: 'moderate',
      pricing: {
        baseNightly: 22_000,
        weekendNightly: 26_000,
        weeklyDiscountBp: 1_200,
        cleaningFee: 8_000,
        taxBp: 1_475,
        ...fees,
      },
    },
  },
  {
    key: 'midtown',
    host: 'ben',
    input: {
      title: 'Midtown Hotel — King room',
      propertyType: 'hotel',
      roomType: 'hotel_room',
      location: newYork('151 W 54th St', 40.7637, -73.9815),
      amenities: ['wifi', 'gym', 'air_conditioning'],
      maxGuests: 2,
      units: 5,
      currency: 'USD',
      bookingMode: 'instant',
      cancellationPolicy: '48h',
      pricing: { baseNightly: 18_000, weekendNightly: 21_000, taxBp: 1_475, ...fees },
    },
  },
  {
    key: 'harlem',
    host: 'ben',
    input: {
      title: 'Harlem garden apartment',
      propertyType: 'apartment',
      roomType: 'entire_place',
      location: newYork('300 W 122nd St', 40.8076, -73.9521),
      amenities: ['wifi', 'garden'],
      maxGuests: 4,
      currency: 'USD',
      bookingMode: 'request',
      cancellationPolicy: 'firm',
      pricing: { baseNightly: 14_000, cleaningFee: 6_000, taxBp: 1_475, ...fees },
    },
  },
  {
    key: 'soho',
    host: 'ben',
    input: {
      title: 'SoHo designer loft',
      propertyType: 'loft',
      roomType: 'entire_place',
      location: newYork('110 Greene St', 40.725, -73.9996),
      amenities: ['wifi', 'kitchen', 'workspace'],
      maxGuests: 4,
      currency: 'USD',
      bookingMode: 'instant',
      cancellationPolicy: 'non_refundable',
      pricing: { baseNightly: 30_000, cleaningFee: 10_000, taxBp: 1_475, ...fees },
    },
  },
  {
    key: 'shibuya',
    host: 'ben',
    input: {
      title: 'Shibuya Hotel — Twin room',
      propertyType: 'hotel',
      roomType: 'hotel_room',
      location: tokyo('2-24-1 Dogenzaka, Shibuya', 35.658, 139.6994),
      amenities: ['wifi', 'air_conditioning'],
      maxGuests: 2,
      units: 5,
      currency: 'JPY',
      bookingMode: 'instant',
      cancellationPolicy: 'flexible',
      pricing: { baseNightly: 14_000, weekendNightly: 18_000, taxBp: 1_000, ...fees },
    },
  },
  {
    key: 'asakusa',
    host: 'ana',
    input: {
      title: 'Asakusa machiya house',
      propertyType: 'house',
      roomType: 'entire_place',
      location: tokyo('2-3-1 Asakusa, Taito', 35.7148, 139.7967),
      amenities: ['wifi', 'kitchen', 'tatami'],
      maxGuests: 4,
      currency: 'JPY',
      bookingMode: 'request',
      cancellationPolicy: 'moderate',
      pricing: { baseNightly: 25_000, cleaningFee: 6_000, taxBp: 1_000, ...fees },
    },
  },
  {
    key: 'shinjuku',
    host: 'ben',
    input: {
      title: 'Shinjuku hostel bunk',
      propertyType: 'hostel',
      roomType: 'shared_room',
      location: tokyo('1-1-1 Kabukicho, Shinjuku', 35.6938, 139.7034),
      amenities: ['wifi', 'lockers'],
      maxGuests: 1,
      currency: 'JPY',
      bookingMode: 'instant',
      cancellationPolicy: 'flexible',
      pricing: { baseNightly: 3_500, taxBp: 1_000, ...fees },
    },
  },
  {
    key: 'nakameguro',
    host: 'ana',
    input: {
      title: 'Nakameguro canal cottage',
      propertyType: 'cottage',
      roomType: 'entire_place',
      location: tokyo('1-10-23 Nakameguro, Meguro', 35.644, 139.6989),
      amenities: ['wifi', 'kitchen', 'bicycles'],
      maxGuests: 3,
      currency: 'JPY',
      bookingMode: 'instant',
      cancellationPolicy: 'strict',
      pricing: { baseNightly: 18_000, weeklyDiscountBp: 1_500, cleaningFee: 5_000, taxBp: 1_000, ...fees },
    },
  },
]
