import { Effect, Result, Schema, SchemaIssue } from 'effect'
import { ValidationFailed } from './errors.js'

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** A Schema issue as field-level problems: `path` is dotted (`location.lat`, `photos.0.url`; '' at the root). */
export const issueList = (issue: SchemaIssue.Issue): { readonly path: string; readonly message: string }[] =>
  formatter(issue).issues.map((i) => ({
    path: (i.path ?? [])
      .map((p) => String(typeof p === 'object' && p !== null && 'key' in p ? p.key : p))
      .join('.'),
    message: i.message,
  }))

/** Turns a Schema issue into field-level details (see `issueList`). */
export const issuesOf = (issue: SchemaIssue.Issue): ValidationFailed =>
  new ValidationFailed({ issues: issueList(issue) })

/** Each problem of a Schema issue as one line, `path: message` (the message alone at the root). */
export const issueLines = (issue: SchemaIssue.Issue): string[] =>
  issueList(issue).map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`))

/** A Schema issue in one line: `path: message; …`. */
export const describeIssue = (issue: SchemaIssue.Issue): string => issueLines(issue).join('; ')

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
