// Loaded into each process of bench/scale.js with NODE_OPTIONS=--require: on exit, writes the
// process's own peak RSS (KiB) and CPU time (user and system, microseconds) as JSON to the file named
// by OCTOWORKERS_BENCH_RUSAGE_FILE. CPU time, not wall, is what compares on a shared machine.
const fs = require('node:fs')

const file = process.env.OCTOWORKERS_BENCH_RUSAGE_FILE
if (file) {
  delete process.env.OCTOWORKERS_BENCH_RUSAGE_FILE
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage()
      fs.writeFileSync(file, JSON.stringify({maxRSS: usage.maxRSS, user: usage.userCPUTime, system: usage.systemCPUTime}))
    } catch {
      // A missing number shows as NaN in the table; never fail the measured command.
    }
  })
}
