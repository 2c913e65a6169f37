import { runScenario } from './scenario.js'
import { type DemoSummary, render, summarize } from './summary.js'

export type { DemoSummary } from './summary.js'

export interface DemoOptions {
  /** Where each printed line goes (default: nowhere). */
  readonly write?: (line: string) => void
}

/** Runs the scripted marketplace, prints its summary through `write`, and returns the figures. */
export const runDemo = async (options: DemoOptions = {}): Promise<DemoSummary> => {
  const summary = await summarize(await runScenario())
  const write = options.write ?? (() => {})
  for (const line of render(summary)) write(line)
  return summary
}
