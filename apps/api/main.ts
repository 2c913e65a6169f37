import { Result } from 'effect'
import { allTasks, apiOnSharedStoreTasks } from '../composition/background.js'
import {
  createInfrastructure,
  InfrastructureEnv,
  loadInfrastructureConfig,
  redactAmqpUrl,
  usesRedis,
} from '../composition/infrastructure.js'
import {
  loadStoreConfig,
  type OpenedStore,
  openStore,
  redactMongoUrl,
  StoreEnv,
} from '../composition/store.js'
import { apiEnvNames, loadApiConfig, unknownInnkeeperVariables } from './config.js'
import { type DegradationSink, degradationSink } from './degradation.js'
import { type SeedReport, seedDemo } from './seed.js'
import { startApiServer } from './server.js'

/**
 * `npm start`: the HTTP API, by default on the in-memory engine (no server besides Node), with demo
 * data in development mode. With INNKEEPER_STORE=mongo it serves from MongoDB (start-up fails when
 * the server cannot be reached), seeds the demo data once per database, and leaves the timers, the
 * relay and notifications to the worker (`npm run worker`). SIGTERM/SIGINT stop it gracefully.
 */
const main = async () => {
  const loaded = loadApiConfig(process.env)
  const infraLoaded = loadInfrastructureConfig(process.env)
  const storeLoaded = loadStoreConfig(process.env)
  // The worker's own variables and the test suites' switch are read elsewhere.
  const known = [
    ...apiEnvNames,
    ...Object.keys(InfrastructureEnv.fields),
    ...Object.keys(StoreEnv.fields),
    'INNKEEPER_DEEP',
  ]
  const unknown = unknownInnkeeperVariables(
    Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INNKEEPER_WORKER_'))),
    known,
  )
  const problems = [
    ...(Result.isFailure(loaded) ? loaded.failure : []),
    ...(Result.isFailure(infraLoaded) ? infraLoaded.failure : []),
    ...(Result.isFailure(storeLoaded) ? storeLoaded.failure : []),
    ...unknown,
  ]
  if (
    Result.isSuccess(loaded) &&
    Result.isSuccess(storeLoaded) &&
    storeLoaded.success.kind === 'memory' &&
    loaded.success.background === 'webhooks'
  )
    problems.push(
      'INNKEEPER_API_BACKGROUND: with in-memory repositories no other process can run the timers and the relay: use all (or INNKEEPER_STORE=mongo with a worker)',
    )
  if (
    Result.isFailure(loaded) ||
    Result.isFailure(infraLoaded) ||
    Result.isFailure(storeLoaded) ||
    problems.length > 0
  ) {
    process.stderr.write(`innkeeper: invalid configuration\n${problems.map((m) => `  - ${m}\n`).join('')}`)
    process.exit(2)
  }
  const config = loaded.success
  const infraConfig = infraLoaded.success
  const storeConfig = storeLoaded.success
  // MongoDB, Redis and RabbitMQ only when INNKEEPER_* asks for them; the default needs no server.
  const store: OpenedStore | null =
    storeConfig.kind === 'mongo' ? await openStore(storeConfig, { appName: 'innkeeper-api' }) : null
  // Outages are logged at warn once each and counted on /metrics; the logger and the metrics exist
  // once the server does, so the reports find them through this late-bound sink.
  let degraded: DegradationSink = {
    report: (line) => process.stderr.write(`${JSON.stringify(line)}\n`),
    relayed: () => {},
  }
  const infra = await createInfrastructure(infraConfig, {
    connectionName: 'innkeeper-api',
    degrade: true,
    onOutage: (r) => degraded.report({ kind: 'redis', ...r }),
    onBrokerStatus: (s) => degraded.report({ kind: 'broker', port: 'events', ...s }),
  }).catch(async (err: unknown) => {
    await store?.close()
    throw err
  })
  // On a shared store the worker runs the timers, the relay and notifications (INNKEEPER_API_BACKGROUND),
  // unless payments are in this process's memory: then no other process could void or refund them.
  const runsAll =
    config.background === 'all' ||
    (config.background === 'auto' && (store === null || config.payments.provider === 'memory'))
  const api = await startApiServer({
    config,
    ports: infra.ports,
    engineOptions: {
      background: runsAll ? allTasks : apiOnSharedStoreTasks,
      ...(store === null ? {} : { store: store.ports }),
    },
    ...(infra.amqp === null || !runsAll ? {} : { amqp: { consumer: infra.amqp.consumer } }),
    onTick: (r) => degraded.relayed({ published: r.relayed, failed: r.relayFailed }),
    ready: async () => {
      const redisOk = infra.redis === null || (await infra.redis.ping().catch(() => '')) === 'PONG'
      const amqpOk = infra.amqp === null || infra.amqp.connection.ready
      const storeOk = store === null || (await store.ping())
      return redisOk && amqpOk && storeOk
    },
    // In memory the demo data is made at every start; in a shared store, once per database. Until
    // it is there, /health/ready answers 503: a first login right after ready finds its account.
    startup: async (server) =>
      !config.seed
        ? null
        : store === null
          ? await seedDemo(server.engine)
          : await store.seedOnce('demo', () => seedDemo(server.engine)),
  })
  degraded = degradationSink(api.logger, api.metrics.registry, () =>
    api.engine.run(api.engine.deps.outbox.backlog()),
  )
  const seeded = (await api.started) as SeedReport | null
  const storeLine =
    store === null
      ? 'in-memory engine'
      : `mongo store ${redactMongoUrl(store.config.url)} db ${store.config.database}`
  const lines = [
    `innkeeper API listening on ${api.url} (${config.mode} mode, ${storeLine})`,
    `  background ${runsAll ? 'timers, relay, notifications, payouts and webhooks in this process' : 'payment webhooks only: the worker runs timers, relay and notifications'}`,
    `  payments ${config.payments.provider === 'stripe' ? `stripe${config.payments.apiBaseUrl === null ? '' : ` at ${config.payments.apiBaseUrl}`} (${config.payments.secretKey.includes('_live_') ? 'live' : 'test'} mode); webhooks at ${api.url}/api/v1/webhooks/payments/stripe` : 'memory (in-process, takes no money)'}`,
    `  ports    cache=${infraConfig.cache} rate-limiter=${infraConfig.rateLimiter} idempotency=${infraConfig.idempotency} sessions=${infraConfig.sessions} events=${infraConfig.events}${usesRedis(infraConfig) ? ` redis=${infraConfig.redisUrl.replace(/\/\/[^@]*@/, '//***@')}` : ''}${infraConfig.events === 'amqp' ? ` amqp=${redactAmqpUrl(infraConfig.amqpUrl)}` : ''}`,
    `  docs     ${api.url}/docs`,
    `  openapi  ${api.url}/openapi.json`,
    `  health   ${api.url}/health/ready`,
    `  metrics  ${api.metricsUrl}/metrics (internal port${config.metrics.token === null ? '' : ', bearer token'})`,
  ]
  if (config.seed && seeded === null) lines.push('  demo data: already in this database (seeded once)')
  if (seeded) {
    lines.push(`  demo data: ${seeded.listings} listings in ${seeded.cities.join(', ')}`)
    lines.push(`  demo accounts (password for all: ${seeded.accounts[0]?.password}):`)
    for (const a of seeded.accounts) lines.push(`    ${a.email.padEnd(28)} ${a.roles.join(', ')}`)
    lines.push(
      `  try: curl -s -X POST ${api.url}/api/v1/auth/login -H 'content-type: application/json' -d '{"email":"guest@innkeeper.example","password":"${seeded.accounts[0]?.password}"}'`,
    )
  }
  if (config.jwtSecretGenerated)
    lines.push('  (JWT secret generated for this run: tokens end with the process)')
  process.stdout.write(`${lines.join('\n')}\n`)

  // SIGTERM: stop accepting, close idle connections at once, answer the requests already received
  // (with `Connection: close`) within INNKEEPER_SHUTDOWN_GRACE_MS, then exit 0; 1 only when the
  // grace ran out with requests unanswered, or when closing the connections to the services hangs.
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    api.logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining requests')
    const force = setTimeout(() => {
      api.logger.error({}, 'shutdown took too long; exiting')
      process.exit(1)
    }, config.shutdownGraceMs + 10_000)
    force.unref()
    const report = await api.shutdown()
    await infra.close()
    await store?.close()
    if (report.cut > 0) api.logger.error(report, 'shutdown grace ran out: requests cut before their answer')
    else api.logger.info(report, 'stopped: every request received was answered')
    process.exit(report.cut === 0 ? 0 : 1)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err: unknown) => {
  process.stderr.write(`innkeeper: failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
