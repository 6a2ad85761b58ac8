import {describe, it} from 'vitest'
import {loadOclifConfig, runCli} from '../helpers/cli.js'

// One real process per command: the integration tier runs commands in-process, so this is where
// each command's exit code is seen as a shell sees it, including oclif's --json error path (which
// exits 1 unless our base command keeps the code).
const config = await loadOclifConfig()
// Ours are the commands with our global --json flag (help and autocomplete are bundled in but are oclif's).
const ours = config.commands.filter((c) => !c.hidden && c.pluginName === config.name && 'json' in c.flags)
const aliases = new Set(ours.flatMap((c) => c.aliases))
const commandIds = ours.map((c) => c.id).filter((id) => !aliases.has(id)).sort()

// Concurrent: each case waits on a child process, not on this one's CPU.
describe.concurrent('every command as a process', () => {
  it('finds the commands', ({expect}) => {
    expect(commandIds).toEqual(expect.arrayContaining(['check', 'login', 'pool:list', 'worker:list', 'leases:tail', 'sandbox:start']))
  })

  it.for(commandIds)('%s: an unknown flag is exit 2 with one JSON error on stdout under --json', async (id, {expect}) => {
    const result = await runCli([...id.split(':'), '--no-such-flag', '--json'], {spawn: true})
    expect(result.exitCode, result.stderr).toBe(2)
    const error = JSON.parse(result.stdout).Error
    expect(error.Message).toMatch(/no-such-flag/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
