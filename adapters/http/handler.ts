import { Effect, type Exit, type Fiber } from 'effect'
import type Koa from 'koa'
import type { Logger } from 'pino'
import type { Caller } from '../../core/application/support/caller.js'
import type { DecodedInput } from './decoding.js'
import { type RenderSpec, renderExit } from './rendering.js'
import type { Reply, RequestContext, RouteSpec } from './route.js'
import { wireEncoder } from './wire-encoder.js'

/** Something that can say when the cache no longer holds pages a request made stale. */
export interface CacheCoherence {
  readonly pending: boolean
  settled(): Promise<void>
}

const headerOf =
  (ctx: Koa.Context) =>
  (name: string): string | undefined => {
    const v = ctx.get(name)
    return v === '' ? undefined : v
  }

/**
 * The route itself: its handler (one use case) on the caller and decoded input, its outcome
 * rendered into `ctx.state.response`. When the request changed something, the answer waits until
 * the cached pages it made stale are dropped (see cache-invalidation.ts), so the client's next read
 * sees its change.
 */
export const handler = (
  spec: RouteSpec<unknown, unknown>,
  logger: Logger,
  coherence: CacheCoherence | undefined,
): Koa.Middleware => {
  const render: RenderSpec = {
    operationId: spec.operationId,
    successStatus: spec.success.status,
    encode: spec.success.schema === undefined ? undefined : wireEncoder(spec.success.schema),
  }
  const settle = async (
    ctx: Koa.Context,
    fiber: Fiber.Fiber<Reply, unknown>,
    exit: Exit.Exit<Reply, unknown> | undefined,
  ): Promise<void> => {
    const done =
      exit ?? (await new Promise<Exit.Exit<Reply, unknown>>((resolve) => fiber.addObserver(resolve)))
    if (coherence?.pending) await coherence.settled()
    ctx.state.response = renderExit(ctx, render, done, logger)
  }
  return (ctx) => {
    const input = ctx.state.input as DecodedInput
    const request: RequestContext<unknown, unknown> = {
      caller: ctx.state.caller as Caller,
      userId: ctx.state.userId as string | null,
      params: input.params,
      query: input.query,
      body: input.body,
      rawBody: input.rawBody,
      header: headerOf(ctx),
      requestId: ctx.state.requestId as string,
      ip: ctx.ip,
      requestKey: ctx.state.requestKey as string | undefined,
    }
    // The fiber runs at once: a handler that finished without waiting (a cache hit) is rendered
    // without a promise hop; one still running is awaited.
    const fiber = Effect.runFork(spec.handle(request))
    const exit = fiber.pollUnsafe()
    if (exit === undefined || coherence?.pending) return settle(ctx, fiber, exit)
    ctx.state.response = renderExit(ctx, render, exit, logger)
    return Promise.resolve()
  }
}
