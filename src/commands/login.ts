import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../cli/base-command.js'
import {ServerCommand} from '../cli/server-command.js'
import {usageError} from '../text/errors.js'
import {cleanApiKey, cleanIdToken} from '../config/key-storage.js'
import {apiKeyAsFlagError, checkKeychainWritable, givesApiKeyAsFlag, login, loginServer, loginWithOidc, type LoginResult, type LoginServerSource, type LoginWarning} from '../app/auth/login.js'
import {formatDuration} from '../text/duration.js'
import {profileInUse} from '../config/connection.js'
import {normalizeServerUrl} from '../octopus/server-url.js'
import {validatorFrom} from '../ui/prompt.js'
import {readAllText} from '../ui/io.js'
import {safe} from '../ui/safe.js'
import {loginWarningLine} from '../views/auth.js'

export default class Login extends ServerCommand<typeof Login> {
  static override summary = 'Check an API key against an Octopus Server, then save it in the OS keychain and the server in a profile.'

  static override description = `Interactive: asks for the API key (masked), and for the server URL unless --server, OCTOPUS_URL or the profile's saved server gives it (in that order, as for every command). In scripts and CI: the key on stdin with --api-key-stdin; the key is never a flag, so it cannot show in \`ps\`.
Nothing is saved unless GET /api/users/me accepts the key (and --space, if given, exists).
The profile (server URL, default space; no secret) goes to $XDG_CONFIG_HOME/octoworkers/config.yaml (mode 0600), the key to the OS keychain (the Secret Service on Linux; service "octoworkers", account "<profile>@<server URL>"), or with --insecure-storage to a 0600 file in insecure-credentials/ beside config.yaml.
A locked or absent keychain is exit 3: use OCTOPUS_URL and OCTOPUS_API_KEY instead, or --insecure-storage.
OpenID Connect (Octopus 2023.4.8077 / 2024.1.1889 on; service accounts only): --service-account-id ID with the CI job's ID token (--id-token-stdin, or --id-token JWT) exchanges the token, whose audience must be the service account ID, for an access token. The access token is saved as a key would be, and used until it expires (an hour); the ID token is never saved. In CI, setting OCTOPUS_URL and OCTOPUS_SERVICE_ACCOUNT_ID instead makes every command exchange one by itself.`

  static override examples = [
    '<%= config.bin %> login',
    'printenv OCTOPUS_API_KEY | <%= config.bin %> login --server https://octopus.example.com --api-key-stdin',
    'printenv OCTOPUS_API_KEY | <%= config.bin %> login --server https://octopus.example.com --api-key-stdin --profile staging --space "Platform Team"',
    'printenv CI_JOB_JWT | <%= config.bin %> login --server https://octopus.example.com --service-account-id 00000000-0000-0000-0000-000000000000 --id-token-stdin',
  ]

  static override flags = {
    'api-key-stdin': Flags.boolean({description: 'Read the API key from stdin (all of it, trimmed).', exclusive: ['service-account-id']}),
    'service-account-id': Flags.string({description: 'Log in with OpenID Connect as this service account (its ID, the audience of the ID token).'}),
    'id-token-stdin': Flags.boolean({description: 'Read the CI job\'s ID token (a JWT) from stdin.', dependsOn: ['service-account-id'], exclusive: ['id-token']}),
    'id-token': Flags.string({description: 'The CI job\'s ID token (a JWT); it lives minutes, but --id-token-stdin keeps it out of `ps`.', dependsOn: ['service-account-id'], exclusive: ['id-token-stdin']}),
    'insecure-storage': Flags.boolean({description: 'Keep the key in a 0600 file under the config dir instead of the OS keychain (warns every time it is used).'}),
    // Only so that `--api-key KEY` (the Octopus CLI's flag) gets the way to pass the key, not "Unknown flag".
    'api-key': Flags.string({hidden: true}),
  }

  /** Set by run(): whether anything was asked, so that render() can show the prompt-free equivalent. */
  private prompted = false
  private serverSource?: LoginServerSource

  public override async init(): Promise<void> {
    // The Octopus CLI's `--api-key KEY`: say how to give the key instead of "Unknown flag".
    try {
      await super.init()
    } catch (error) {
      if (givesApiKeyAsFlag(this.argv)) throw apiKeyAsFlagError(this.config.bin)
      throw error
    }
    if (givesApiKeyAsFlag(this.argv)) throw apiKeyAsFlagError(this.config.bin)
  }

  public async run(): Promise<LoginResult> {
    const flags = this.flags
    const profile = await profileInUse({profileFlag: flags.profile, env: this.env})
    const known = await loginServer({serverFlag: flags.server, profile, env: this.env})
    if (flags['service-account-id'] !== undefined) return this.oidcLogin(profile, known)
    this.prompted = !known || !flags['api-key-stdin']
    if (this.prompted && !this.interactive) {
      if (!known) throw usageError('login needs --server URL (or OCTOPUS_URL) when it cannot prompt.', {hint: 'e.g. `printenv OCTOPUS_API_KEY | octoworkers login --server https://octopus.example.com --api-key-stdin`'})
      throw usageError('login needs the API key on stdin (--api-key-stdin) when it cannot prompt; it is never taken as a flag.', {hint: `e.g. \`printenv OCTOPUS_API_KEY | octoworkers login --server ${known.server} --api-key-stdin\``})
    }
    // Nothing is asked of someone whose key could not be saved: the keychain is checked first.
    if (this.prompted && !flags['insecure-storage']) await checkKeychainWritable()
    // Checked (by loginServer, or by the prompt's validator) before a key is asked for.
    const server = known?.server ?? await this.context.prompter.input('Octopus Server URL', {validate: validatorFrom(normalizeServerUrl)})
    this.serverSource = known?.source
    const apiKey = flags['api-key-stdin'] ? cleanApiKey(await readAllText(this.io.stdin), 'stdin') : cleanApiKey(await this.context.prompter.secret('API key'), 'the prompt')
    this.secrets.push(apiKey)

    return login({
      profile,
      server,
      apiKey,
      ...this.savingDeps(),
    })
  }

  /** `--service-account-id`: the ID token from stdin or the flag, exchanged; nothing is asked. */
  private async oidcLogin(profile: string, known: {server: string; source: LoginServerSource} | undefined): Promise<LoginResult> {
    const flags = this.flags
    const serviceAccountId = flags['service-account-id']!.trim()
    if (!serviceAccountId) throw usageError('--service-account-id must be the service account\'s ID, not an empty string.')
    if (!known) throw usageError('login --service-account-id needs --server URL (or OCTOPUS_URL).', {hint: `e.g. \`printenv ID_TOKEN | ${this.config.bin} login --server https://octopus.example.com --service-account-id ${serviceAccountId} --id-token-stdin\``})
    if (!flags['id-token-stdin'] && flags['id-token'] === undefined) throw usageError('login --service-account-id needs the ID token: --id-token-stdin (or --id-token JWT).')
    if (flags['id-token'] !== undefined) this.secrets.push(flags['id-token'])
    const idToken = cleanIdToken(flags['id-token-stdin'] ? await readAllText(this.io.stdin) : flags['id-token']!, flags['id-token-stdin'] ? 'stdin' : '--id-token')
    this.secrets.push(idToken)
    this.serverSource = known.source
    return loginWithOidc({
      profile,
      server: known.server,
      serviceAccountId,
      idToken,
      now: this.context.now(),
      ...this.savingDeps(),
    })
  }

  /** What both ways of logging in need to check the credential and save the profile. */
  private savingDeps() {
    return {
      space: this.flags.space,
      insecureStorage: this.flags['insecure-storage'],
      env: this.env,
      createClient: this.context.createClient,
      warn: (m: string) => this.warnUser(m),
      onWarning: (warning: LoginWarning) => this.warnUser(loginWarningLine(warning)),
      ...this.clientSettings(),
    }
  }

  protected override toJson(result: LoginResult): unknown {
    return {
      Profile: result.profile.name,
      Server: result.profile.server,
      Version: result.version,
      User: result.user,
      Space: result.space ?? null,
      CredentialStore: result.profile.keyStore,
      KeyLocation: result.keyLocation,
      ConfigFile: result.configFile,
      ...(result.oidc ? {Oidc: {ServiceAccountId: result.oidc.serviceAccountId, ExpiresAt: new Date(result.oidc.expiresAt).toISOString()}} : {}),
    }
  }

  protected override render(result: LoginResult): Rendered {
    const stderr: string[] = []
    if (this.serverSource === 'OCTOPUS_URL') stderr.push(`The server came from OCTOPUS_URL.`)
    if (this.serverSource === 'profile') stderr.push(`The server is the one saved in profile '${result.profile.name}'; pass --server to change it.`)
    if (this.prompted) {
      const flags = this.flags
      const extra = [flags.profile ? `--profile ${flags.profile}` : '', flags.space ? `--space '${flags.space}'` : '', flags['insecure-storage'] ? '--insecure-storage' : ''].filter(Boolean).join(' ')
      stderr.push(`Non-interactive equivalent: printenv OCTOPUS_API_KEY | ${this.config.bin} login --server ${result.profile.server} --api-key-stdin${extra ? ' ' + extra : ''}`)
    }
    return {
      stdout: [
        safe`Logged in to ${result.profile.server} (Octopus ${result.version}) as ${result.user.Username} (${result.user.DisplayName}).`,
        `Profile '${result.profile.name}' saved in ${result.configFile}${result.space ? safe`, default space ${result.space.Name} (${result.space.Id})` : ''}.`,
        result.oidc
          ? `Access token for service account ${result.oidc.serviceAccountId} saved in ${result.keyLocation}; it expires in ${formatDuration(result.oidc.expiresAt - this.context.now())} (${new Date(result.oidc.expiresAt).toISOString()}). The ID token was not saved.`
          : `API key saved in ${result.keyLocation}.`,
      ].join('\n'),
      stderr,
    }
  }
}
