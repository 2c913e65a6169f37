import {
  findPattern,
  isTestFile,
  type ModuleRef,
  parseModuleRefs,
  resolveRelative,
  topFolder,
  type Violation,
} from './scan.js'

/**
 * The layering rules of DESIGN.md ("Layout and dependency rules"), as one function from a file's
 * repository path and text to the rules it breaks. Test files may import anything.
 */

export type RuleName =
  | 'core-imports'
  | 'core-no-node'
  | 'core-ports-type-only'
  | 'core-purity'
  | 'core-no-decorators'
  | 'ports-imports'
  | 'adapter-imports'
  | 'apps-only'

const isStableEffect = (s: string): boolean =>
  (s === 'effect' || s.startsWith('effect/')) && s !== 'effect/unstable' && !s.startsWith('effect/unstable/')
const isUnstableEffect = (s: string): boolean => s === 'effect/unstable' || s.startsWith('effect/unstable/')
const inFolder = (path: string | null, folder: string): boolean =>
  path !== null && (path === folder || path.startsWith(`${folder}/`))

/** Time, randomness and environment come from ports, never from the core itself. */
const CORE_FORBIDDEN: readonly [RegExp, string][] = [
  [/\bDate\s*\.\s*now\b/, 'Date.now: time comes from the Clock port'],
  [/\bMath\s*\.\s*random\b/, 'Math.random: ids and randomness come from ports'],
  [/\brandomUUID\b/, 'randomUUID: ids come from the IdGenerator port'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() with no argument reads the clock: use the Clock port'],
]
const DECORATOR = /(?<![\w$.'"`])@[A-Za-z_$][\w$]*\s*(?=[(\s])/

const describeRef = (r: ModuleRef): string => `${r.typeOnly ? `${r.kind} type` : r.kind} '${r.specifier}'`

const checkCoreImport = (file: string, r: ModuleRef): [RuleName, string] | null => {
  const s = r.specifier
  if (s.startsWith('node:')) return ['core-no-node', `${describeRef(r)}: core may not use node:*`]
  if (isUnstableEffect(s))
    return ['core-imports', `${describeRef(r)}: nothing from effect/unstable/* in core`]
  if (isStableEffect(s)) return null
  const target = resolveRelative(file, s)
  const inDomain = file.startsWith('core/domain/')
  if (inFolder(target, 'core/domain')) return null
  if (inDomain) return ['core-imports', `${describeRef(r)}: core/domain imports only effect and core/domain`]
  if (!file.startsWith('core/application/'))
    return ['core-imports', `${describeRef(r)}: core holds only core/domain and core/application`]
  if (inFolder(target, 'core/application')) return null
  if (inFolder(target, 'ports'))
    return r.typeOnly
      ? null
      : ['core-ports-type-only', `${describeRef(r)}: use cases import ports with \`import type\` only`]
  return ['core-imports', `${describeRef(r)}: core/application imports only effect, core/, and ports by type`]
}

const checkPortsImport = (file: string, r: ModuleRef): string | null => {
  const s = r.specifier
  if (isStableEffect(s)) return null
  if (s === 'inversify' || s.startsWith('inversify/'))
    return r.typeOnly ? null : `${describeRef(r)}: ports use inversify through \`import type\` only`
  const target = resolveRelative(file, s)
  if (inFolder(target, 'core/domain') || inFolder(target, 'ports')) return null
  return `${describeRef(r)}: ports import only effect, core/domain, ports/ and \`import type\` from inversify`
}

const checkAdapterImport = (file: string, r: ModuleRef): string | null => {
  const target = resolveRelative(file, r.specifier)
  if (target === null) return null
  if (inFolder(target, 'apps')) return `${describeRef(r)}: an adapter never imports apps/`
  const own = file.split('/').length > 2 ? file.split('/')[1] : null
  if (own !== null && inFolder(target, 'adapters')) {
    const other = target.split('/')[1]
    if (other !== undefined && other !== own && target.split('/').length > 2)
      return `${describeRef(r)}: adapters/${own} may not import another adapter (adapters/${other})`
  }
  return null
}

export const checkFile = (file: string, source: string): Violation[] => {
  if (isTestFile(file)) return []
  const out: Violation[] = []
  const add = (line: number, rule: RuleName, detail: string) => out.push({ file, line, rule, detail })
  const refs = parseModuleRefs(source)
  const top = topFolder(file)

  if (top === 'core') {
    for (const r of refs) {
      const v = checkCoreImport(file, r)
      if (v) add(r.line, v[0], v[1])
    }
    for (const [re, why] of CORE_FORBIDDEN)
      for (const m of findPattern(source, re)) add(m.line, 'core-purity', why)
    for (const m of findPattern(source, DECORATOR))
      add(m.line, 'core-no-decorators', `decorator ${m.text.trim()}: core classes carry no decorators`)
  }
  if (top === 'ports')
    for (const r of refs) {
      const why = checkPortsImport(file, r)
      if (why) add(r.line, 'ports-imports', why)
    }
  if (top === 'adapters')
    for (const r of refs) {
      const why = checkAdapterImport(file, r)
      if (why) add(r.line, 'adapter-imports', why)
    }
  if (top !== 'apps') {
    for (const r of refs)
      if (r.specifier === 'reflect-metadata' || r.specifier.startsWith('reflect-metadata/'))
        add(r.line, 'apps-only', `${describeRef(r)}: only apps/ imports reflect-metadata`)
    for (const m of findPattern(source, /\bnew\s+Container\s*\(/))
      add(m.line, 'apps-only', 'new Container(: only apps/ builds an Inversify container')
    for (const m of findPattern(source, /\bprocess\s*\.\s*env\b/))
      add(m.line, 'apps-only', 'process.env: only apps/ reads the environment')
  }
  return out.sort((a, b) => a.line - b.line)
}
