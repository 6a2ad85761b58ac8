// Loaded into each benchmarked process with NODE_OPTIONS=--require: on exit, writes the process's
// own peak resident set size (getrusage maxRSS, KiB) to the file named by OCTOWORKERS_BENCH_RSS_FILE.
const fs = require('node:fs')

const file = process.env.OCTOWORKERS_BENCH_RSS_FILE
if (file) {
  delete process.env.OCTOWORKERS_BENCH_RSS_FILE
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, String(process.resourceUsage().maxRSS))
    } catch {
      // A missing number shows as NaN in the table; never fail the measured command.
    }
  })
}
