/** The parts of the served OpenAPI document the e2e suites read. */

export type JsonSchema = { readonly [k: string]: unknown }

export interface OpenApiParameter {
  readonly name: string
  readonly in: 'path' | 'query' | 'header' | 'cookie'
  readonly required?: boolean
  readonly schema: JsonSchema
}

export interface OpenApiOperation {
  readonly operationId: string
  readonly summary?: string
  readonly tags?: readonly string[]
  readonly parameters?: readonly OpenApiParameter[]
  readonly requestBody?: {
    readonly required?: boolean
    readonly content: Readonly<Record<string, { readonly schema: JsonSchema }>>
  }
  readonly responses: Readonly<
    Record<
      string,
      {
        readonly description?: string
        readonly $ref?: string
        readonly headers?: Record<string, { readonly $ref?: string; readonly schema?: JsonSchema }>
        readonly content?: Record<string, { schema: JsonSchema }>
      }
    >
  >
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[]
}

export interface OpenApiDoc {
  readonly openapi: string
  readonly info: { readonly title: string; readonly version: string }
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>
  readonly components: { readonly schemas: Readonly<Record<string, JsonSchema>> }
}

export type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface DocOperation {
  /** The documented path template, prefix included: `/api/v1/bookings/{id}`. */
  readonly path: string
  readonly method: HttpVerb
  readonly op: OpenApiOperation
  /** Names of the path parameters, in order. */
  readonly pathParams: readonly string[]
  /** Whether the operation checks a bearer token (required or optional). */
  readonly takesToken: boolean
  /** Whether a token is required. */
  readonly requiresToken: boolean
}

const VERBS: readonly HttpVerb[] = ['get', 'post', 'put', 'patch', 'delete']

/** Every operation of the document, in document order. */
export const operationsOf = (doc: OpenApiDoc): DocOperation[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    VERBS.filter((m) => item[m] !== undefined).map((method) => {
      const op = item[method] as OpenApiOperation
      const security = op.security ?? []
      return {
        path,
        method,
        op,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        takesToken: security.some((r) => 'bearerAuth' in r),
        requiresToken: security.length > 0 && security.every((r) => 'bearerAuth' in r),
      }
    }),
  )

/** A path template filled in with (URL-encoded) values. */
export const fillPath = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name]
    if (v === undefined) throw new Error(`no value for {${name}} in ${template}`)
    return encodeURIComponent(v)
  })

/** Resolves a `#/components/schemas/X` reference (one level), or returns the schema itself. */
export const resolveSchema = (doc: OpenApiDoc, schema: JsonSchema | undefined): JsonSchema | undefined => {
  const ref = schema?.$ref
  if (typeof ref !== 'string') return schema
  return doc.components.schemas[ref.replace('#/components/schemas/', '')]
}
