// Node's own import(), out of vitest's reach: the modules oclif imports (the commands) come from
// Node's loader, and what a run shares with them (its context, the error classes) must be the
// same module instances, not vitest's copies. Node compiles the .ts sources through the hooks
// test/helpers/cli.ts registers.
module.exports = (url) => import(url)
