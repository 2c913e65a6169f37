/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys, as the SDK
 * writes them (`metadata[bookingId]=bkg_1`, `expand[0]=latest_charge`, `card[exp_month]=12`).
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue }
export type Form = { [key: string]: FormValue }

const isIndex = (s: string) => /^\d+$/.test(s)

export const parseForm = (encoded: string): Form => {
  const root: Form = {}
  if (encoded === '') return root
  for (const pair of encoded.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const rawKey = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '))
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '))
    const first = rawKey.indexOf('[')
    const path =
      first < 0
        ? [rawKey]
        : [
            rawKey.slice(0, first),
            ...[...rawKey.slice(first).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? ''),
          ]
    // biome-ignore lint/suspicious/noExplicitAny: a tree built key by key
    let node: any = root
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] as string
      const last = i === path.length - 1
      const key = segment === '' && Array.isArray(node) ? String(node.length) : segment
      if (last) {
        node[key] = value
      } else {
        const nextIsIndex = isIndex(path[i + 1] ?? '') || path[i + 1] === ''
        node[key] ??= nextIsIndex ? [] : {}
        node = node[key]
      }
    }
  }
  return root
}

export const str = (f: Form, key: string): string | undefined => {
  const v = f[key]
  return typeof v === 'string' ? v : undefined
}

export const strings = (f: Form, key: string): string[] => {
  const v = f[key]
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  if (v !== undefined && typeof v === 'object')
    return Object.values(v).filter((x): x is string => typeof x === 'string')
  return []
}

export const record = (f: Form, key: string): Record<string, string> => {
  const v = f[key]
  if (v === undefined || typeof v !== 'object' || Array.isArray(v)) return {}
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

export const bool = (f: Form, key: string): boolean => str(f, key) === 'true'
