#!/usr/bin/env node
// Sums the self time of the .cpuprofile files in a folder, per function and per file (mean per
// profile), to see where a command's CPU goes:
//   npm run build
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/run.js check --all-spaces --json --fail-on never >/dev/null   (several times)
//   node bench/profile-summary.js /tmp/prof [top=25]
// Run the command once without --cpu-prof first: that run writes the compile cache, as a user's
// first run does, so the profiled runs start as every later run does.
import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'

const [dir, topArg] = process.argv.slice(2)
if (!dir) {
  process.stderr.write('usage: node bench/profile-summary.js DIR [top]\n')
  process.exit(2)
}
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
const byFunction = new Map()
const byFile = new Map()
let total = 0
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us)
for (const file of files) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'))
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    const frame = nodes.get(id).callFrame
    const where = (frame.url || '(native)').replace(/.*\/(dist|node_modules)\//, '$1/')
    add(byFunction, `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`, us)
    add(byFile, where, us)
    total += us
  })
}
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  .map(([key, us]) => `${(us / files.length / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`).join('\n')
process.stdout.write(`${files.length} profile(s); sampled time per profile ${(total / Math.max(1, files.length) / 1000).toFixed(0)} ms\n` +
  `-- self time by function\n${top(byFunction, Number(topArg ?? 25))}\n-- self time by file\n${top(byFile, 10)}\n`)
