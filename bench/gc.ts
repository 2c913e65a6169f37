import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gc: (() => void) | null | undefined

/**
 * A full garbage collection, if one can be had: `global.gc` when node runs with `--expose-gc`, else
 * the same function obtained by setting the flag at run time (V8 then exposes `gc` to new
 * contexts). Returns false when neither works, so callers can say their figures are approximate.
 */
export const collectGarbage = (): boolean => {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc
    if (typeof exposed === 'function') gc = exposed
    else {
      try {
        setFlagsFromString('--expose-gc')
        const fn: unknown = runInNewContext('gc')
        gc = typeof fn === 'function' ? (fn as () => void) : null
      } catch {
        gc = null
      }
    }
  }
  if (gc === null) return false
  // Twice: the first pass may only queue finalizers whose memory the second one frees.
  gc()
  gc()
  return true
}
