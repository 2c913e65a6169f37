import { runDemo } from './run-demo.js'

// `npm start`: the scripted marketplace, printed to stdout. Nothing keeps the process alive afterwards.
await runDemo({ write: (line) => process.stdout.write(`${line}\n`) })
