import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {durationFlag} from '../../cli/flags.js'
import {ExitCode, type ExitCodeValue} from '../../text/errors.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {planProvision, waitForProvisionedWorker, type ProvisionResult} from '../../app/workers/provision.js'
import {PROVISION_KINDS} from '../../domain/workers/provision.js'
import {provisionNotes, provisionProgressLine, provisionScript, provisionWaitLines} from '../../views/provision.js'

export default class WorkerProvision extends ServerCommand<typeof WorkerProvision> {
  static override summary = 'Print the commands that make a machine register itself as a worker (Docker, Linux Tentacle or Kubernetes agent).'
  static override description = `Prints, for the machine that is to become worker NAME, the commands that install it and register it in the --pool pools: the \`docker run\` of octopusdeploy/tentacle (listening, or polling with --polling), the Linux Tentacle sequence (create-instance, new-certificate, configure, register-worker, service --install --start), or the \`helm upgrade --install\` of the kubernetes-agent chart as a worker (always polling).
Nothing is registered by this command: the machine registers itself when the commands run there. Secrets are never printed: the commands read the API key from $OCTOPUS_API_KEY where they run (the Kubernetes commands put it in a secret the chart reads), and the listening Linux Tentacle reads the server's thumbprint from $OCTOPUS_SERVER_THUMBPRINT.
Before printing, the name is checked against conventions.worker in .octoworkers.yaml (a name that breaks it is exit 2), the pools are resolved (an unknown one is exit 4; a dynamic one exit 2), and a name that is already registered is refused (exit 5): --force lets both through.
A polling worker connects to https://polling.<instance>.octopus.app/ on Octopus Cloud, else to the server's host on port 10943.
stdout is the script alone; --json gives the same as data (Docker: Image, Env, Args; Linux: Commands; Kubernetes: Chart, Release, Namespace, Secret, Values) with the Script.
--wait then waits until the worker is registered, in every pool and available (enabled, Healthy or HasWarnings), starting a health check of it once it shows up; after --wait-timeout (default 10m) it is exit 1 naming what is missing.`
  static override examples = [
    '<%= config.bin %> worker provision docker p-db-omaha-worker-03 --pool "Omaha Production Workers" --polling',
    'OCTOPUS_API_KEY=API-... sh -c "$(<%= config.bin %> worker provision linux p-db-omaha-worker-03 --pool \'Omaha Production Workers\' --polling)"',
    '<%= config.bin %> worker provision kubernetes p-db-omaha-worker-03 --pool "Omaha Production Workers" --wait --wait-timeout 15m',
  ]

  static override args = {
    kind: Args.string({description: 'How the worker runs.', options: [...PROVISION_KINDS], required: true}),
    name: Args.string({description: 'The worker\'s name.', required: true}),
  }

  static override flags = {
    pool: Flags.string({description: 'A pool the worker registers in (name or ID; repeatable).', multiple: true, required: true}),
    polling: Flags.boolean({description: 'A polling Tentacle (it connects to the server) instead of a listening one. Kubernetes agents always poll.'}),
    force: Flags.boolean({description: 'Provision a name that breaks the naming convention, or one already registered (the new registration replaces it).'}),
    wait: Flags.boolean({description: 'Wait until the worker is registered, in its pools and available.'}),
    'wait-timeout': durationFlag({description: 'How long --wait waits (e.g. 90s, 10m; a bare number is seconds).', default: '10m'}),
  }

  async run(): Promise<ProvisionResult> {
    const {space} = await this.connectSpace()
    const result = await planProvision(space, {
      kind: this.args.kind as ProvisionResult['Kind'],
      name: this.args.name,
      poolInputs: this.flags.pool,
      polling: this.flags.polling,
      force: this.flags.force,
    }, {config: () => loadConfig({cwd: this.context.cwd})})
    this.noteLines(provisionNotes(result))
    if (!this.flags.wait) return result
    // The commands are needed on the machine while this waits for it.
    if (!this.isJson) this.print(provisionScript(result))
    let lastProgress = ''
    const wait = await waitForProvisionedWorker(space, result, {
      timeoutMs: this.flags['wait-timeout'],
      onProgress: (missing) => {
        const line = provisionProgressLine(missing)
        if (line !== lastProgress || this.io.stderr.isTTY) this.note(line)
        lastProgress = line
      },
      onHealthCheck: (task) => this.note(`Started health check ${task.Id} of '${result.Name}'.`),
    })
    return {...result, Wait: wait}
  }

  protected override render(result: ProvisionResult): Rendered {
    return {stdout: result.Wait ? undefined : provisionScript(result), stderr: provisionWaitLines(result)}
  }

  protected override exitCodeFor(result: ProvisionResult): ExitCodeValue {
    return result.Wait && !result.Wait.Ready ? ExitCode.Failure : ExitCode.Success
  }
}
