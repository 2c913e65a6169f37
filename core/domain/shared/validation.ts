import { Effect, Result, Schema, SchemaIssue } from 'effect'
import { ValidationFailed } from './errors.js'

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Turns a Schema issue into field-level details: `path` is dotted (`location.lat`, `photos.0.url`). */
export const issuesOf = (issue: SchemaIssue.Issue): ValidationFailed => {
  const out = formatter(issue)
  return new ValidationFailed({
    issues: out.issues.map((i) => ({
      path: (i.path ?? [])
        .map((p) => String(typeof p === 'object' && p !== null && 'key' in p ? p.key : p))
        .join('.'),
      message: i.message,
    })),
  })
}

/**
 * Decodes untrusted input with a Schema; unknown keys are rejected, every problem is reported.
 * The same schemas describe the HTTP API, so a core caller and an HTTP client get the same rules.
 */
export const decodeInput = <S extends Schema.Codec<unknown, unknown, never, never>>(
  schema: S,
  input: unknown,
) =>
  Effect.mapError(
    Schema.decodeUnknownEffect(schema)(input, { onExcessProperty: 'error', errors: 'all' }),
    (e) => issuesOf(e.issue),
  ) as Effect.Effect<S['Type'], ValidationFailed>

export const decodeInputResult = <S extends Schema.Codec<unknown, unknown, never, never>>(
  schema: S,
  input: unknown,
) =>
  Result.mapError(
    Schema.decodeUnknownResult(schema)(input, { onExcessProperty: 'error', errors: 'all' }),
    (e) => issuesOf(e.issue),
  ) as Result.Result<S['Type'], ValidationFailed>
