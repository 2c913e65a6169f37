import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listingBody, startTestApi, type TestApi } from './support/api.js'

/*
 * Issue 15 over HTTP: `GET /listings` prices every hit in the search's currency (`currency`,
 * default the rates' base), filters and sorts by that one price (the stay's total with dates, else
 * the base nightly), and says which rates it used; a cursor from another search is refused with
 * 400 `cursor_mismatch`, not answered with an empty page.
 */
describe('GET /listings: one price, one currency, cursors bound to their search', () => {
  let api: TestApi
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    api = await startTestApi()
    const host = await api.account('price-host', ['guest', 'host'])
    // Worth in EUR: 100.00 USD = 92.00 EUR; 15,000 JPY = 91.50 EUR; 95.00 EUR. Raw amounts would put
    // the JPY listing last and the USD one first.
    for (const [key, currency, base] of [
      ['usd', 'USD', 10_000],
      ['jpy', 'JPY', 15_000],
      ['eur', 'EUR', 9_500],
    ] as const) {
      const created = await api.request('POST', '/api/v1/listings', {
        token: host.token,
        body: listingBody({
          title: `Price ${key}`,
          currency,
          location: { ...listingBody().location, city: 'Pricetown' },
          pricing: { base_nightly: base, cleaning_fee: 0, service_fee_bp: 0 },
        }),
      })
      expect(created.status, created.text).toBe(201)
      ids[key] = created.json.id
      expect(
        (await api.request('POST', `/api/v1/listings/${created.json.id}/activate`, { token: host.token }))
          .status,
      ).toBe(200)
    }
  })
  afterAll(() => api.close())

  it('sorts by the converted price and shows it, with the rates used', async () => {
    const r = await api.request('GET', '/api/v1/listings?city=Pricetown&sort=price_asc&currency=EUR')
    expect(r.status, r.text).toBe(200)
    expect(r.json.items.map((h: { listing: { id: string } }) => h.listing.id)).toEqual([
      ids.jpy,
      ids.usd,
      ids.eur,
    ])
    expect(r.json.items.map((h: { price: unknown }) => h.price)).toEqual([
      { amount: 9_150, currency: 'EUR' },
      { amount: 9_200, currency: 'EUR' },
      { amount: 9_500, currency: 'EUR' },
    ])
    expect(r.json.currency).toBe('EUR')
    expect(r.json.exchange_rates).toMatchObject({ as_of: '2026-01-01', base: 'EUR' })
    expect(r.json.exchange_rates.rates).toEqual(
      expect.arrayContaining([
        { currency: 'USD', numerator: 92, denominator: 100 },
        { currency: 'JPY', numerator: 61, denominator: 100 },
      ]),
    )
  })

  it('filters on the converted price in the search currency', async () => {
    const r = await api.request(
      'GET',
      '/api/v1/listings?city=Pricetown&currency=USD&min_price=10000&max_price=10100',
    )
    expect(r.status, r.text).toBe(200)
    // In USD: 100.00 USD; 95.00 EUR = 103.26 USD; 15,000 JPY = 99.46 USD.
    expect(r.json.items.map((h: { listing: { id: string } }) => h.listing.id)).toEqual([ids.usd])
  })

  it('with dates, the price is the stay total', async () => {
    const r = await api.request(
      'GET',
      '/api/v1/listings?city=Pricetown&sort=price_desc&currency=EUR&check_in=2026-03-02&check_out=2026-03-05',
    )
    expect(r.status, r.text).toBe(200)
    const hits = r.json.items as {
      listing: { id: string; currency: string }
      quote: { guest_total: number }
      price: { amount: number }
    }[]
    expect(hits.map((h) => h.listing.id)).toEqual([ids.eur, ids.usd, ids.jpy])
    const eur = hits[0]!
    expect(eur.price.amount).toBe(eur.quote.guest_total)
  })

  it('refuses a currency the rates do not convert (400, field currency)', async () => {
    const r = await api.request('GET', '/api/v1/listings?currency=XTS')
    expect(r.status).toBe(400)
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['currency'])
  })

  it('a cursor from another search is refused with 400 cursor_mismatch; with its own search it pages on', async () => {
    const first = await api.request('GET', '/api/v1/listings?city=Pricetown&sort=price_asc&limit=1')
    expect(first.status).toBe(200)
    const cursor = encodeURIComponent(first.json.next_cursor)
    const own = await api.request(
      'GET',
      `/api/v1/listings?city=Pricetown&sort=price_asc&limit=1&cursor=${cursor}`,
    )
    expect(own.status).toBe(200)
    expect(own.json.items.map((h: { listing: { id: string } }) => h.listing.id)).toEqual([ids.usd])
    for (const other of [
      'city=Pricetown&sort=price_desc',
      'city=Lisbon&sort=price_asc',
      'city=Pricetown&sort=price_asc&currency=USD',
      'city=Pricetown&sort=price_asc&min_price=1',
    ]) {
      const r = await api.request('GET', `/api/v1/listings?${other}&limit=1&cursor=${cursor}`)
      expect([other, r.status, r.json.code]).toEqual([other, 400, 'cursor_mismatch'])
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    }
    // A changed page size is the same search.
    expect(
      (await api.request('GET', `/api/v1/listings?city=Pricetown&sort=price_asc&limit=2&cursor=${cursor}`))
        .status,
    ).toBe(200)
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
