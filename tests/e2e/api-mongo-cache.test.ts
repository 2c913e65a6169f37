import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { type ApiServer, startApiServer } from '../../apps/api/server.js'
import { openTestDatabase, type TestDatabase } from '../support/mongo.js'
import { listingBody, PASSWORD, testApiConfig } from './support/api.js'

/**
 * The API on a shared store (MongoDB: here the FerretDB of the global setup) reads its own writes
 * through its response cache: the events its writes record invalidate the cached pages at once, as
 * in memory. Before, the cache followed the in-memory outbox, unused on a shared store, so a listing
 * page stayed stale for the cache's TTL after its host changed it.
 */
let database: TestDatabase
let api: ApiServer

beforeAll(async () => {
  database = await openTestDatabase(inject('mongoUrl'), 'apicache')
  const config = testApiConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INNKEEPER_JWT_SECRET: 'api-mongo-cache-secret-api-mongo-cache-01',
    INNKEEPER_SEED: 'false',
  })
  api = await startApiServer({
    config,
    engineOptions: {
      passwordHashCost: 2 ** 10,
      store: (clock) => createMongoAdapters(database.db, { clock }),
    },
    background: false,
  })
}, 60_000)
afterAll(async () => {
  await api?.close()
  await database?.drop()
})

const call = async (method: string, path: string, token?: string, body?: unknown) => {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  const json: any = await res.json()
  return { status: res.status, json }
}

describe('the API on MongoDB reads its own writes through its cache', () => {
  it('a cached listing page and search show the host’s change on the next read', async () => {
    const email = 'cache-host@mongo.example'
    expect(
      (
        await call('POST', '/api/v1/auth/register', undefined, {
          email,
          password: PASSWORD,
          name: 'H',
          roles: ['host'],
        })
      ).status,
    ).toBe(201)
    const token = (await call('POST', '/api/v1/auth/login', undefined, { email, password: PASSWORD })).json
      .access_token
    const created = await call('POST', '/api/v1/listings', token, listingBody({ title: 'Before the change' }))
    expect(created.status).toBe(201)
    const id = created.json.id as string
    expect((await call('POST', `/api/v1/listings/${id}/activate`, token)).status).toBe(200)
    // Read twice: the second answer comes from the cache.
    for (let i = 0; i < 2; i++)
      expect((await call('GET', `/api/v1/listings/${id}`)).json.title).toBe('Before the change')
    const search = '/api/v1/listings?city=Lisbon'
    expect(
      (await call('GET', search)).json.items.map((h: { listing: { title: string } }) => h.listing.title),
    ).toEqual(['Before the change'])
    expect((await call('PATCH', `/api/v1/listings/${id}`, token, { title: 'After the change' })).status).toBe(
      200,
    )
    expect((await call('GET', `/api/v1/listings/${id}`)).json.title).toBe('After the change')
    expect(
      (await call('GET', search)).json.items.map((h: { listing: { title: string } }) => h.listing.title),
    ).toEqual(['After the change'])
  })
})
