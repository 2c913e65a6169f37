import { randomBytes } from 'node:crypto'
import { Result } from 'effect'
import { MongoClient } from 'mongodb'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { loadStoreConfig } from '../../apps/composition/store.js'
import { loadWorkerConfig } from '../../apps/worker/config.js'
import { spawnApp, startApiProcess, stopProcess } from './support/processes.js'

/**
 * Issue 12 part 4, `npm start` on MongoDB (the FerretDB of the global setup): INNKEEPER_STORE and
 * its variables are validated; start-up fails loudly when the server cannot be reached; the demo
 * data is seeded once per database however often the API starts; `/health/ready` pings the store.
 */

const mongoUrl = inject('mongoUrl')
const database = `innkeeper_apistart_${randomBytes(4).toString('hex')}`
const client = new MongoClient(mongoUrl)
afterAll(async () => {
  await client
    .db(database)
    .dropDatabase()
    .catch(() => {})
  await client.close()
})

describe('store configuration', () => {
  it('defaults to memory; INNKEEPER_STORE=mongo reads the URL and database, each bad value named', () => {
    expect(Result.getOrThrow(loadStoreConfig({}))).toEqual({ kind: 'memory' })
    expect(
      Result.getOrThrow(
        loadStoreConfig({
          INNKEEPER_STORE: 'mongo',
          INNKEEPER_MONGO_URL: 'mongodb://db:27017/?replicaSet=rs',
        }),
      ),
    ).toEqual({ kind: 'mongo', url: 'mongodb://db:27017/?replicaSet=rs', database: 'innkeeper' })
    const bad = loadStoreConfig({
      INNKEEPER_STORE: 'postgres',
      INNKEEPER_MONGO_URL: 'localhost:27017',
      INNKEEPER_MONGO_DB: 'has spaces',
    })
    expect(Result.isFailure(bad) && bad.failure).toEqual([
      'INNKEEPER_STORE: Expected one of: memory, mongo',
      'INNKEEPER_MONGO_URL: Expected a MongoDB connection string (mongodb:// or mongodb+srv://) with a host',
      'INNKEEPER_MONGO_DB: Expected a database name: 1 to 63 letters, digits, dashes or underscores',
    ])
    const stray = loadStoreConfig({ INNKEEPER_MONGO_DB: 'x' })
    expect(Result.isFailure(stray) && stray.failure).toEqual([
      'INNKEEPER_MONGO_DB: only read with INNKEEPER_STORE=mongo',
    ])
  })
})

describe('worker configuration on a shared store', () => {
  it('with INNKEEPER_STORE=mongo the worker takes the consumers that read repositories; in memory it refuses them', () => {
    const stripe = {
      INNKEEPER_PAYMENTS: 'stripe',
      INNKEEPER_STRIPE_SECRET_KEY: 'sk_test_worker',
      INNKEEPER_STRIPE_WEBHOOK_SECRET: 'whsec_worker_test',
    }
    const shared = loadWorkerConfig({
      ...stripe,
      INNKEEPER_STORE: 'mongo',
      INNKEEPER_EVENTS: 'amqp',
      INNKEEPER_CACHE: 'redis',
      INNKEEPER_WORKER_TIMERS_MS: '500',
    })
    expect(Result.isSuccess(shared) && shared.success).toMatchObject({
      store: { kind: 'mongo', database: 'innkeeper' },
      consumers: ['notifications', 'payouts', 'cache-invalidation'],
      loops: { relayMs: 250, timersMs: 500, payoutsMs: 60_000 },
    })
    // In-memory events: the worker's relay feeds notifications in process; no queue consumers.
    const inProcess = loadWorkerConfig({ ...stripe, INNKEEPER_STORE: 'mongo' })
    expect(Result.isSuccess(inProcess) && inProcess.success.consumers).toEqual([])
    // The in-memory payment provider lives in the API process: a worker could not void its payments.
    const memoryPayments = loadWorkerConfig({ INNKEEPER_STORE: 'mongo' })
    expect(Result.isFailure(memoryPayments) && memoryPayments.failure.join()).toMatch(/^INNKEEPER_PAYMENTS: /)
    const memory = loadWorkerConfig({
      INNKEEPER_EVENTS: 'amqp',
      INNKEEPER_CACHE: 'redis',
      INNKEEPER_WORKER_CONSUMERS: 'notifications',
    })
    expect(Result.isFailure(memory) && memory.failure.join()).toMatch(/share them with INNKEEPER_STORE=mongo/)
  })
})

const demoLogin = (url: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'guest@innkeeper.example', password: 'innkeeper-demo-password' }),
  })

describe('npm start with INNKEEPER_STORE=mongo', () => {
  it('refuses INNKEEPER_API_BACKGROUND=webhooks with in-memory repositories: nobody else would run the timers', async () => {
    const p = spawnApp('apps/api/main.ts', { PORT: '0', INNKEEPER_API_BACKGROUND: 'webhooks' })
    expect(await p.exit).toBe(2)
    expect(p.output()).toContain('INNKEEPER_API_BACKGROUND: with in-memory repositories')
  }, 90_000)

  it('exits 1 naming the server (password hidden) when MongoDB cannot be reached, and never listens', async () => {
    const p = spawnApp('apps/api/main.ts', {
      PORT: '0',
      INNKEEPER_STORE: 'mongo',
      INNKEEPER_MONGO_URL: 'mongodb://user:secret@127.0.0.1:9/',
    })
    expect(await p.exit).toBe(1)
    expect(p.output()).toContain('failed to start: cannot reach MongoDB at mongodb://user:***@127.0.0.1:9/')
    expect(p.output()).not.toContain('secret')
    expect(p.output()).not.toContain('listening')
  }, 90_000)

  it('seeds the demo data once: two starts on one database leave one copy; /health/ready pings MongoDB', async () => {
    const env = { INNKEEPER_STORE: 'mongo', INNKEEPER_MONGO_URL: mongoUrl, INNKEEPER_MONGO_DB: database }
    const first = await startApiProcess(env)
    expect(first.output()).toContain('demo data: 48 listings')
    // The in-memory payment provider lives in this process: it runs the background work itself.
    expect(first.output()).toContain('timers, relay, notifications, payouts and webhooks in this process')
    const ready = await fetch(`${first.url}/health/ready`)
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }])
    expect((await demoLogin(first.url)).status).toBe(200)
    expect(await stopProcess(first)).toBe(0)

    const second = await startApiProcess(env)
    expect(second.output()).toContain('demo data: already in this database (seeded once)')
    // The data of the first start is served by the second: it lives in MongoDB.
    expect((await demoLogin(second.url)).status).toBe(200)
    expect(await stopProcess(second)).toBe(0)

    const db = client.db(database)
    expect(await db.collection('listings').countDocuments()).toBe(48)
    expect(await db.collection('user_emails').countDocuments()).toBe(5)
    expect(await db.collection('seeds').countDocuments()).toBe(1)
  }, 180_000)
})
