import { Result } from 'effect'
import {
  createInfrastructure,
  InfrastructureEnv,
  loadInfrastructureConfig,
  redactAmqpUrl,
  usesRedis,
} from '../composition/infrastructure.js'
import { apiEnvNames, loadApiConfig, unknownInnkeeperVariables } from './config.js'
import { seedDemo } from './seed.js'
import { startApiServer } from './server.js'

/**
 * `npm start`: the HTTP API on the in-memory engine (no server besides Node), with demo data in
 * development mode. SIGTERM/SIGINT stop it gracefully.
 */
const main = async () => {
  const loaded = loadApiConfig(process.env)
  const infraLoaded = loadInfrastructureConfig(process.env)
  // The worker's own variables and the test suites' switch are read elsewhere.
  const known = [...apiEnvNames, ...Object.keys(InfrastructureEnv.fields), 'INNKEEPER_DEEP']
  const unknown = unknownInnkeeperVariables(
    Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INNKEEPER_WORKER_'))),
    known,
  )
  const problems = [
    ...(Result.isFailure(loaded) ? loaded.failure : []),
    ...(Result.isFailure(infraLoaded) ? infraLoaded.failure : []),
    ...unknown,
  ]
  if (Result.isFailure(loaded) || Result.isFailure(infraLoaded) || unknown.length > 0) {
    process.stderr.write(`innkeeper: invalid configuration\n${problems.map((m) => `  - ${m}\n`).join('')}`)
    process.exit(2)
  }
  const config = loaded.success
  const infraConfig = infraLoaded.success
  // Redis and RabbitMQ only when INNKEEPER_* asks for them; the default needs no server.
  const infra = await createInfrastructure(infraConfig, { connectionName: 'innkeeper-api' })
  const api = await startApiServer({
    config,
    ports: infra.ports,
    ...(infra.amqp === null ? {} : { amqp: { consumer: infra.amqp.consumer } }),
    ready: async () => {
      const redisOk = infra.redis === null || (await infra.redis.ping().catch(() => '')) === 'PONG'
      const amqpOk = infra.amqp === null || infra.amqp.connection.ready
      return redisOk && amqpOk
    },
  })
  const seeded = config.seed ? await seedDemo(api.engine) : null
  const lines = [
    `innkeeper API listening on ${api.url} (${config.mode} mode, in-memory engine)`,
    `  ports    cache=${infraConfig.cache} rate-limiter=${infraConfig.rateLimiter} idempotency=${infraConfig.idempotency} sessions=${infraConfig.sessions} events=${infraConfig.events}${usesRedis(infraConfig) ? ` redis=${infraConfig.redisUrl.replace(/\/\/[^@]*@/, '//***@')}` : ''}${infraConfig.events === 'amqp' ? ` amqp=${redactAmqpUrl(infraConfig.amqpUrl)}` : ''}`,
    `  docs     ${api.url}/docs`,
    `  openapi  ${api.url}/openapi.json`,
    `  health   ${api.url}/health/ready    metrics ${api.url}/metrics`,
  ]
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

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    api.logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await api.close()
    await infra.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err: unknown) => {
  process.stderr.write(`innkeeper: failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
