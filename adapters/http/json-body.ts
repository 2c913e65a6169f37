import { bodyParser } from '@koa/bodyparser'
import type Koa from 'koa'
import { firstDuplicateKey, firstForbiddenKey } from './json-keys.js'
import { HttpProblem } from './problem.js'

const isJsonType = (type: string | undefined): boolean =>
  type !== undefined && /^application\/([a-z0-9.+-]*\+)?json$/i.test(type.split(';')[0]?.trim() ?? '')

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const forbiddenKey = (path: string) =>
  new HttpProblem(
    400,
    'forbidden_json_key',
    'Forbidden JSON key',
    `The key "${path}" is not allowed: a body may not contain the keys __proto__, constructor or prototype`,
    { errors: [{ path, message: 'Forbidden key (__proto__, constructor and prototype are refused)' }] },
  )

/**
 * Request bodies: JSON only (415 otherwise), at most `limit` (413), well-formed (400
 * `malformed_json`), without a `__proto__`, `constructor` or `prototype` key at any depth (400
 * `forbidden_json_key`, naming the key's path) or a key twice in one object
 * (400 `duplicate_json_key`); the raw text is kept for webhook signatures.
 */
export const jsonBody = (limit = '100kb'): Koa.Middleware => {
  const parse = bodyParser({
    enableTypes: ['json'],
    // Parse every type the gate below lets through as JSON (`application/merge-patch+json` …), not
    // only the parser's own short list: an accepted body must never be silently dropped.
    detectJSON: (ctx) => isJsonType(ctx.get('content-type')),
    jsonLimit: limit,
    encoding: 'utf-8',
    onError: (err) => {
      throw err
    },
  })
  const parsed: Koa.Middleware = async (ctx, next) => {
    if (!isJsonType(ctx.get('content-type')))
      throw new HttpProblem(
        415,
        'unsupported_media_type',
        'Unsupported media type',
        'Send the body as application/json',
      )
    try {
      await parse(ctx, async () => {})
    } catch (e) {
      const status = typeof e === 'object' && e !== null && 'status' in e ? Number(e.status) : 400
      if (status === 413)
        throw new HttpProblem(
          413,
          'payload_too_large',
          'Payload too large',
          `The body is larger than ${limit}`,
        )
      if (status === 415)
        throw new HttpProblem(415, 'unsupported_media_type', 'Unsupported media type', 'Send UTF-8 JSON')
      // The parser refuses `__proto__` itself, handing back the text it read.
      const text = typeof e === 'object' && e !== null && 'body' in e ? e.body : undefined
      const forbidden =
        e instanceof Error && /prototype/i.test(e.message) && typeof text === 'string'
          ? (firstForbiddenKey(text) ?? '__proto__')
          : null
      if (forbidden !== null) throw forbiddenKey(forbidden)
      throw new HttpProblem(400, 'malformed_json', 'Malformed JSON', 'The body is not valid JSON')
    }
    const raw: unknown = (ctx.request as { rawBody?: unknown }).rawBody
    const forbidden = typeof raw === 'string' ? firstForbiddenKey(raw) : null
    if (forbidden !== null) throw forbiddenKey(forbidden)
    const duplicate = typeof raw === 'string' ? firstDuplicateKey(raw) : null
    if (duplicate !== null)
      throw new HttpProblem(
        400,
        'duplicate_json_key',
        'Duplicate JSON key',
        `The key "${duplicate}" appears twice in one object; send each key once`,
      )
    return next()
  }
  return (ctx, next) =>
    WITH_BODY.has(ctx.method) && (ctx.request.length > 0 || ctx.get('transfer-encoding') !== '')
      ? parsed(ctx, next)
      : next()
}
