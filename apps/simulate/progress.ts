import type { Progress } from './simulate.js'

/** Where progress goes: a terminal (redrawn in place) or a log (plain lines). */
export interface ProgressSink {
  readonly isTTY: boolean
  readonly columns?: number
  write(text: string): unknown
}

const phaseLabel: Record<Progress['phase'], string> = {
  setup: 'setting up',
  run: 'simulating',
  audit: 'auditing',
}

/**
 * Reports progress on a sink: on a terminal a bar redrawn in place (at most ten times a second),
 * elsewhere one plain line per tenth of each phase. `done()` ends the bar with a newline.
 */
export const progressReporter = (
  sink: ProgressSink,
  now: () => number = () => performance.now(),
): { update(p: Progress): void; done(): void } => {
  let lastDraw = Number.NEGATIVE_INFINITY
  let lastLine = ''
  let drawn = false
  const started = now()
  return {
    update(p) {
      const ratio = p.total > 0 ? Math.min(1, p.done / p.total) : 0
      const elapsed = ((now() - started) / 1000).toFixed(0)
      const unit =
        p.phase === 'run'
          ? `day ${p.done}/${p.total}`
          : `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}`
      const tail = `${phaseLabel[p.phase]} ${unit} · ${p.bookings.toLocaleString('en-US')} bookings · ${elapsed} s`
      if (sink.isTTY) {
        const t = now()
        if (t - lastDraw < 100 && ratio < 1) return
        lastDraw = t
        const width = Math.max(10, Math.min(40, (sink.columns ?? 80) - tail.length - 10))
        const filled = Math.round(ratio * width)
        sink.write(
          `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${tail}\x1b[K`,
        )
        drawn = true
        return
      }
      const line = `${p.phase} ${Math.floor(ratio * 10) * 10}%`
      if (line === lastLine) return
      lastLine = line
      sink.write(`${Math.floor(ratio * 100)}% ${tail}\n`)
    },
    done() {
      if (sink.isTTY && drawn) sink.write('\n')
    },
  }
}
