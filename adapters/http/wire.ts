/**
 * The wire format is snake_case JSON; the core speaks camelCase. One rule converts keys both ways,
 * so the core's schemas validate requests and the OpenAPI document shows the same schemas renamed.
 * Values are never touched (`"non_refundable"` stays as it is).
 */

export const toSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
export const toCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** A key the client may send: snake_case, so that it survives the round trip unchanged. */
export const isWireKey = (key: string): boolean => toSnake(toCamel(key)) === key

export interface KeyIssue {
  readonly path: string
  readonly message: string
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Objects whose keys are data, not field names: review `categories` are keyed by the category codes
 * (`check_in` …), which the core already spells in snake_case.
 */
const VERBATIM = new Set(['categories'])

/**
 * How deeply a request body may nest. No input of the API goes past a handful of levels; a body of
 * `[[[[…` (100 kB of it is 50,000 levels) must be refused here, before any recursive walk overflows
 * the stack and turns a malformed request into a 500.
 */
export const MAX_BODY_DEPTH = 32

/** Request JSON → core input. Keys that are not snake_case are reported, never silently accepted. */
export const fromWire = (
  value: unknown,
  issues: KeyIssue[] = [],
  path = '',
  verbatim = false,
  depth = 0,
): unknown => {
  if ((Array.isArray(value) || isPlainObject(value)) && depth >= MAX_BODY_DEPTH) {
    issues.push({ path, message: `Nested more than ${MAX_BODY_DEPTH} levels deep` })
    return undefined
  }
  if (Array.isArray(value)) return value.map((v, i) => fromWire(v, issues, `${path}.${i}`, false, depth + 1))
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const at = path === '' ? k : `${path}.${k}`
    if (!isWireKey(k)) {
      issues.push({ path: at, message: 'Unknown field (fields are snake_case)' })
      continue
    }
    out[verbatim ? k : toCamel(k)] = fromWire(v, issues, at, VERBATIM.has(k), depth + 1)
  }
  return out
}

/**
 * toSnake, remembered: response keys are the views' field names, a small fixed set, and converting
 * them with a regular expression on every response was the largest cost of serving a cached
 * listing. The bound keeps a view with data-valued keys from growing the map without end.
 */
const snakeKeys = new Map<string, string>()
const MAX_REMEMBERED_KEYS = 10_000
const snakeKey = (key: string): string => {
  let snake = snakeKeys.get(key)
  if (snake === undefined) {
    snake = toSnake(key)
    if (snakeKeys.size < MAX_REMEMBERED_KEYS) snakeKeys.set(key, snake)
  }
  return snake
}

/** Core output → response JSON. */
export const toWire = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(toWire)
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value)) out[snakeKey(k)] = toWire(value[k])
  return out
}

/** A core issue path (`pricing.baseNightly`, `["checkIn"]`) as the client wrote it. */
export const pathToWire = (path: string): string =>
  path.replace(/[A-Za-z][A-Za-z0-9]*/g, (seg) => toSnake(seg))
