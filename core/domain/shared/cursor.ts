/**
 * The one cursor codec of the engine: a page cursor is a small JSON value in base64url (no
 * padding), opaque to callers. Whoever issues a cursor chooses what is in it and checks the shape
 * of what comes back. Written without node:buffer, so the core can use it as well as the adapters.
 */
export const encodeCursor = (value: unknown): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** The JSON value in a cursor, or undefined when the string is not one (never throws). */
export const decodeCursor = (cursor: string): unknown => {
  try {
    const bytes = Uint8Array.from(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
      ch.charCodeAt(0),
    )
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown
  } catch {
    return undefined
  }
}
