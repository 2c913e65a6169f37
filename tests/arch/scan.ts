import { type Dirent, readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'

/**
 * A small static scanner for the layering rules of DESIGN.md. It reads source text (no compiler),
 * blanks out comments so commented-out code does not count, and finds every module specifier:
 * `import … from`, `import type … from`, `export … from`, side-effect `import 'x'`, dynamic `import('x')`.
 */

export interface ModuleRef {
  readonly specifier: string
  /** `import type …` or `export type …`: erased from the emitted JavaScript. */
  readonly typeOnly: boolean
  readonly kind: 'import' | 'export' | 'side-effect' | 'dynamic'
  /** 1-based line of the statement's first keyword. */
  readonly line: number
}

export interface Violation {
  readonly file: string
  readonly line: number
  readonly rule: string
  readonly detail: string
}

export const formatViolation = (v: Violation): string => `${v.file}:${v.line} [${v.rule}] ${v.detail}`

const SOURCE_EXT = /\.(?:[cm]?ts|tsx)$/

/** Every TypeScript source file under `dir` (relative to `root`), with posix separators, sorted. */
export const listSourceFiles = (root: string, dir: string): string[] => {
  const out: string[] = []
  const walk = (abs: string): void => {
    let entries: Dirent[]
    try {
      entries = readdirSync(abs, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue
      const p = join(abs, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && SOURCE_EXT.test(e.name) && !e.name.endsWith('.d.ts'))
        out.push(relative(root, p).split(sep).join('/'))
    }
  }
  walk(join(root, dir))
  return out.sort()
}

export const readSource = (root: string, file: string): string => readFileSync(join(root, file), 'utf8')

const REGEX_PRECEDERS = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
])

/**
 * Replaces comments with spaces, keeping every newline and the length of the text, so indexes and
 * line numbers still point into the original file. Strings, template literals (with nested `${}`)
 * and regular-expression literals are skipped over so `//` inside them is not taken for a comment.
 */
export const stripComments = (src: string): string => {
  const out = src.split('')
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' '
  }
  const braceStack: number[] = [] // open `{` count inside each `${ … }` of an enclosing template
  let i = 0
  let lastSignificant = ''
  const skipString = (quote: string): void => {
    i++
    while (i < src.length && src[i] !== quote && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1
    i++
  }
  /** Scans template text from `i` (just after a backtick or a closing `}`) to its end or to `${`. */
  const skipTemplate = (): void => {
    while (i < src.length) {
      const c = src[i]
      if (c === '\\') i += 2
      else if (c === '`') {
        i++
        return
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2
        braceStack.push(0)
        return
      } else i++
    }
  }
  while (i < src.length) {
    const c = src[i] as string
    const next = src[i + 1]
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i)
      const stop = end === -1 ? src.length : end
      blank(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end === -1 ? src.length : end + 2
      blank(i, stop)
      i = stop
    } else if (c === "'" || c === '"') {
      skipString(c)
      lastSignificant = 'x'
    } else if (c === '`') {
      i++
      skipTemplate()
      lastSignificant = 'x'
    } else if (c === '{' && braceStack.length > 0) {
      braceStack[braceStack.length - 1]! += 1
      i++
      lastSignificant = c
    } else if (c === '}' && braceStack.length > 0 && braceStack[braceStack.length - 1] === 0) {
      braceStack.pop()
      i++
      skipTemplate()
      lastSignificant = 'x'
    } else if (
      c === '/' &&
      (REGEX_PRECEDERS.has(lastSignificant) ||
        /\b(?:return|typeof|case|of|in)$/.test(src.slice(Math.max(0, i - 8), i).trimEnd()))
    ) {
      // a regular-expression literal
      i++
      let inClass = false
      while (i < src.length && src[i] !== '\n') {
        const r = src[i]
        if (r === '\\') i += 2
        else {
          if (r === '[') inClass = true
          else if (r === ']') inClass = false
          else if (r === '/' && !inClass) break
          i++
        }
      }
      i++
      lastSignificant = 'x'
    } else {
      if (c === '}' && braceStack.length > 0) braceStack[braceStack.length - 1]! -= 1
      if (!/\s/.test(c)) lastSignificant = /[\w$)\]]/.test(c) ? 'x' : c
      i++
    }
  }
  return out.join('')
}

export const lineAt = (text: string, index: number): number => {
  let line = 1
  for (let k = 0; k < index && k < text.length; k++) if (text[k] === '\n') line++
  return line
}

// `import|export [type] <clause> from '<spec>'`. The clause may span lines but holds only
// identifiers, `*`, braces, commas and whitespace, and never another import/export keyword.
const FROM_RE =
  /\b(import|export)\s+(type\s+)?((?:(?!\b(?:import|export)\b)[\w$*{},\s])*?)\s*\bfrom\s*(['"])([^'"\n]+)\4/g
const SIDE_EFFECT_RE = /\bimport\s*(['"])([^'"\n]+)\1/g
const DYNAMIC_RE = /\bimport\s*\(\s*(['"`])([^'"`\n]+)\1\s*\)/g

/** Every module specifier in `source`, with its line and whether it is type-only. */
export const parseModuleRefs = (source: string): ModuleRef[] => {
  const code = stripComments(source)
  const refs: ModuleRef[] = []
  for (const m of code.matchAll(FROM_RE)) {
    const kind = m[1] === 'import' ? 'import' : 'export'
    // `import type from 'x'` would be a default import named `type`: the clause is then empty.
    const typeOnly = m[2] !== undefined && (m[3] ?? '').trim() !== ''
    refs.push({ specifier: m[5] as string, typeOnly, kind, line: lineAt(code, m.index) })
  }
  for (const m of code.matchAll(SIDE_EFFECT_RE))
    refs.push({
      specifier: m[2] as string,
      typeOnly: false,
      kind: 'side-effect',
      line: lineAt(code, m.index),
    })
  for (const m of code.matchAll(DYNAMIC_RE))
    refs.push({ specifier: m[2] as string, typeOnly: false, kind: 'dynamic', line: lineAt(code, m.index) })
  return refs.sort((a, b) => a.line - b.line)
}

/** Where a relative specifier points, as a repository path (`core/shared/dates.js`); null for packages. */
export const resolveRelative = (file: string, specifier: string): string | null =>
  specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..'
    ? posix.normalize(posix.join(posix.dirname(file), specifier))
    : null

/** Every match of `pattern` in the comment-free text of `source`, with its line. */
export const findPattern = (source: string, pattern: RegExp): { line: number; text: string }[] => {
  const code = stripComments(source)
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`
  return [...code.matchAll(new RegExp(pattern.source, flags))].map((m) => ({
    line: lineAt(code, m.index),
    text: m[0],
  }))
}

export const isTestFile = (file: string): boolean =>
  file.startsWith('tests/') || /\.(?:test|spec)\.[cm]?tsx?$/.test(file) || file.includes('/__tests__/')

export const topFolder = (file: string): string => file.split('/')[0] ?? ''
