import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../base-command.js'
import {ServerCommand, parseTimeout} from '../server-command.js'
import {usageError} from '../lib/errors.js'
import {cleanApiKey, login} from '../lib/auth/login.js'
import {selectedProfile} from '../lib/auth/paths.js'
import {normalizeServerUrl} from '../lib/octopus/client.js'
import {promptInput, promptSecret, validatorFrom} from '../lib/render/prompt.js'
import {safe} from '../lib/render/safe.js'

export default class Login extends ServerCommand<typeof Login> {
  static override summary = 'Check an API key against an Octopus Server, then save it in the OS keychain and the server in a profile.'

  static override description = `Interactive: asks for the server URL and the API key (masked). In scripts and CI: --server URL and the key on stdin with --api-key-stdin; the key is never a flag, so it cannot show in \`ps\`.
Nothing is saved unless GET /api/users/me accepts the key (and --space, if given, exists).
The profile (server URL, default space; no secret) goes to $XDG_CONFIG_HOME/octoworkers/config.yaml (mode 0600), the key to the OS keychain (the Secret Service on Linux; service "octoworkers", account "<profile>@<server URL>"), or with --insecure-storage to a 0600 file in insecure-credentials/ beside config.yaml.
A locked or absent keychain is exit 3: use OCTOPUS_URL and OCTOPUS_API_KEY instead, or --insecure-storage.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> login',
    'printenv OCTOPUS_API_KEY | <%= config.bin %> login --server https://octopus.example.com --api-key-stdin',
    'printenv OCTOPUS_API_KEY | <%= config.bin %> login --server https://octopus.example.com --api-key-stdin --profile staging --space "Platform Team"',
  ]

  static override flags = {
    'api-key-stdin': Flags.boolean({description: 'Read the API key from stdin (all of it, trimmed).'}),
    'insecure-storage': Flags.boolean({description: 'Keep the key in a 0600 file under the config dir instead of the OS keychain (warns every time it is used).'}),
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const profile = selectedProfile(flags.profile, process.env).name
    const timeoutSeconds = parseTimeout(flags.timeout)
    const prompted = !flags.server || !flags['api-key-stdin']
    if (prompted && !this.interactive) {
      if (!flags.server) throw usageError('login needs --server URL when it cannot prompt.', {hint: 'e.g. `printenv OCTOPUS_API_KEY | octoworkers login --server https://octopus.example.com --api-key-stdin`'})
      throw usageError('login needs the API key on stdin (--api-key-stdin) when it cannot prompt; it is never taken as a flag.', {hint: `e.g. \`printenv OCTOPUS_API_KEY | octoworkers login --server ${flags.server} --api-key-stdin\``})
    }
    const server = flags.server ?? await promptInput('Octopus Server URL', {default: process.env.OCTOPUS_URL || undefined, validate: validatorFrom(normalizeServerUrl)})
    // Checked now so that a bad URL is reported before a key is asked for.
    normalizeServerUrl(server)
    const apiKey = flags['api-key-stdin'] ? cleanApiKey(await readStdin(), 'stdin') : cleanApiKey(await promptSecret('API key'), 'the prompt')
    this.secrets.push(apiKey)

    const result = await login({
      profile,
      server,
      apiKey,
      space: flags.space,
      insecureStorage: flags['insecure-storage'],
      env: process.env,
      warn: (m) => this.warnUser(m),
      timeoutSeconds,
      caCertFile: flags['ca-cert'],
      debug: this.debugLine,
      userAgent: `octoworkers/${this.config.version} node/${process.versions.node}`,
    })

    if (this.isJson) {
      this.printJson({
        Profile: result.profile.name,
        Server: result.profile.server,
        Version: result.version,
        User: result.user,
        Space: result.space ?? null,
        CredentialStore: result.profile.keyStore,
        KeyLocation: result.keyLocation,
        ConfigFile: result.configFile,
      })
    } else {
      this.print([
        safe`Logged in to ${result.profile.server} (Octopus ${result.version}) as ${result.user.Username} (${result.user.DisplayName}).`,
        `Profile '${result.profile.name}' saved in ${result.configFile}${result.space ? safe`, default space ${result.space.Name} (${result.space.Id})` : ''}.`,
        `API key saved in ${result.keyLocation}.`,
      ].join('\n'))
    }
    if (prompted) {
      const extra = [flags.profile ? `--profile ${flags.profile}` : '', flags.space ? `--space '${flags.space}'` : '', flags['insecure-storage'] ? '--insecure-storage' : ''].filter(Boolean).join(' ')
      this.note(`Non-interactive equivalent: printenv OCTOPUS_API_KEY | ${this.config.bin} login --server ${result.profile.server} --api-key-stdin${extra ? ' ' + extra : ''}`)
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks).toString('utf8')
}
