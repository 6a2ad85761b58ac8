// package.json with its "oclif" section pointing at the TypeScript sources instead of the bundle:
// what bin/dev.mjs runs, and what the tests' in-process runs load their commands from.
import {readFileSync} from 'node:fs'

export function sourcesPjson() {
  const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  pjson.oclif = {
    ...pjson.oclif,
    commands: './src/commands',
    helpClass: './src/cli/help.ts',
    hooks: {command_not_found: './src/cli/hooks/command-not-found.ts'},
    plugins: ['@oclif/plugin-help', '@oclif/plugin-autocomplete'],
  }
  return pjson
}
