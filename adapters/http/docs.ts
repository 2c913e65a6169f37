import type Router from '@koa/router'

/**
 * Docs: the OpenAPI document at `/openapi.json` and the Swagger UI at `/docs`, served from local
 * files (swagger-ui-dist's folder), with its init script as a file so the Content-Security-Policy
 * can forbid inline scripts.
 */

export interface DocsAssets {
  readonly dir: string
  readonly read: (file: string) => Promise<Buffer | undefined>
}

/** Files of swagger-ui-dist the docs page loads. */
const DOCS_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'docs-init.js',
])

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>innkeeper API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/docs-init.js"></script>
</body>
</html>`

/** The docs page's own script (a file, not inline, so the Content-Security-Policy can forbid inline scripts). */
export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', persistAuthorization: true })`

/** Adds `/openapi.json` (the document, serialized once) and, given the assets, `/docs` to `router`. */
export const mountDocs = (
  router: Router,
  openapi: Record<string, unknown>,
  assets: DocsAssets | undefined,
) => {
  const openapiJson = JSON.stringify(openapi)
  router.get('/openapi.json', (ctx) => {
    ctx.state.routeTemplate = '/openapi.json'
    ctx.type = 'application/json'
    ctx.body = openapiJson
  })
  if (!assets) return
  router.get('/docs', (ctx) => {
    ctx.state.routeTemplate = '/docs'
    ctx.type = 'text/html'
    ctx.body = docsPage
  })
  router.get('/docs/:file', async (ctx) => {
    ctx.state.routeTemplate = '/docs/{file}'
    const file = ctx.params.file ?? ''
    if (!/^[A-Za-z0-9._-]+$/.test(file) || !DOCS_FILES.has(file)) return
    const content = await assets.read(file)
    if (content === undefined) return
    ctx.type = file.split('.').pop() ?? 'application/octet-stream'
    ctx.set('Cache-Control', 'public, max-age=3600')
    ctx.body = content
  })
}
