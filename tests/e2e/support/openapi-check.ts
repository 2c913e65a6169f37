import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>
  >
  components: { schemas: Record<string, Json> }
}

const inline = (node: Json, components: Record<string, Json>): Json => {
  if (Array.isArray(node)) return node.map((n) => inline(n, components))
  if (typeof node !== 'object' || node === null) return node
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/components/schemas/', '')
    const target = components[name]
    if (target === undefined) throw new Error(`unresolved ${node.$ref}`)
    return inline(target, components)
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, components)]))
}

/**
 * Checks every response of the e2e suites against the OpenAPI document the app serves: the status
 * must be documented for the operation, and a JSON body must match its schema (unknown fields fail,
 * as the document closes every object).
 */
export class OpenApiResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true })
  private readonly routes: { method: string; re: RegExp; template: string }[] = []
  private readonly validators = new Map<string, ReturnType<Ajv2020['compile']>>()
  readonly seen = new Set<string>()

  constructor(private readonly doc: Doc) {
    ;(addFormats as unknown as (a: Ajv2020) => void)(this.ajv)
    for (const [template, item] of Object.entries(doc.paths))
      for (const method of Object.keys(item)) {
        const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
        this.routes.push({ method, re, template })
      }
    // Literal segments win over parameters (`/users/me` before `/users/{id}`).
    this.routes.sort((a, b) => b.template.split('{').length - a.template.split('{').length).reverse()
  }

  /** Returns a list of problems with the response; empty when it conforms. */
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): string[] {
    const pathname = path.split('?')[0] ?? path
    const m = method.toLowerCase()
    const route = this.routes.find((r) => r.method === m && r.re.test(pathname))
    if (!route) return [`${method} ${pathname} is not in the OpenAPI document`]
    const op = this.doc.paths[route.template]?.[m]
    const response = op?.responses[String(status)]
    if (!response) return [`${method} ${route.template}: status ${status} is not documented`]
    this.seen.add(`${m} ${route.template} ${status}`)
    const media = contentType?.split(';')[0]?.trim() ?? ''
    if (!response.content) return body === undefined || body === '' ? [] : [`${status} should have no body`]
    const declared = response.content[media]
    if (!declared) return [`${method} ${route.template} ${status}: content type ${media} not documented`]
    const key = `${m} ${route.template} ${status} ${media}`
    let validate = this.validators.get(key)
    if (!validate) {
      validate = this.ajv.compile(inline(declared.schema, this.doc.components.schemas) as object)
      this.validators.set(key, validate)
    }
    if (validate(body)) return []
    return (validate.errors ?? []).map(
      (e) => `${key}: ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    )
  }
}
