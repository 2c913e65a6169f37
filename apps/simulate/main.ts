import { writeFileSync } from 'node:fs'
import { renderHtml } from './html.js'
import { OptionsError, parseCli, usage } from './options.js'
import { progressReporter } from './progress.js'
import { invariantsHold, renderText } from './report.js'
import { simulate } from './simulate.js'

// `npm run simulate -- [options]`: text report on stdout (JSON with --json), progress on stderr,
// optionally an HTML report. Exit code 0 when every invariant holds, 1 when one is broken, 2 on
// bad options.
const main = async (): Promise<number> => {
  let cli: ReturnType<typeof parseCli>
  try {
    cli = parseCli(process.argv.slice(2))
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e
    process.stderr.write(`simulate: ${e.message}\n\n${usage}\n`)
    return 2
  }
  if (cli.help) {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const progress = progressReporter(process.stderr)
  const report = await simulate(cli.simulation, { onProgress: (p) => progress.update(p) })
  progress.done()
  if (cli.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else process.stdout.write(`${renderText(report).join('\n')}\n`)
  if (cli.reportFile !== null) {
    writeFileSync(cli.reportFile, renderHtml(report))
    process.stderr.write(`HTML report written to ${cli.reportFile}\n`)
  }
  return invariantsHold(report) ? 0 : 1
}

process.exitCode = await main()
