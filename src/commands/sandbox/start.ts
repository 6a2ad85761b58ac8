import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import {durationFlag, flagParser} from '../../cli/flags.js'
import {BaseCommand} from '../../cli/base-command.js'
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import {writeStderrLine, writeStdout} from '../../ui/output.js'
import {SANDBOX_API_KEY_ENV, chooseSandboxApiKey} from '../../config/sandbox-key.js'
import {shellQuote} from '../../text/shell.js'
import {readAllText} from '../../ui/io.js'

/** `$XDG_DATA_HOME/octoworkers/sandbox.sqlite` (XDG default ~/.local/share). */
export function defaultDataFile(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(homedir(), '.local', 'share')
  return path.join(base, 'octoworkers', 'sandbox.sqlite')
}

const OCTOPUS_VERSIONS = ['2019.7', '2021.2', '2023.1', '2026.1'] as const

const DEFAULT_PORT = 8065

/** --port: 0 to 65535, else exit 2 before anything is opened. */
export function parsePort(input: string): number {
  const port = Number(input)
  if (!/^\d+$/.test(input) || port > 65535) throw usageError(`--port must be a number from 0 to 65535, not '${input}'.`)
  return port
}

/** --seed: empty, demo or scale:N (the sandbox checks N's upper bound). */
export function parseSeed(input: string): string {
  if (!/^(empty|demo|scale:[1-9]\d*)$/.test(input)) throw usageError(`--seed must be empty, demo or scale:N, not '${input}'.`)
  return input
}

/** --oidc-jwks: a JSON Web Key Set (`{"keys": [...]}`) file, else exit 2 naming what is wrong. */
export async function readJwksFile(file: string): Promise<{keys: Array<Record<string, unknown>>}> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw usageError(`--oidc-jwks: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw usageError(`--oidc-jwks: ${file} is not JSON; it must be a JSON Web Key Set, {"keys": [...]}.`)
  }
  const keys = (parsed as {keys?: unknown} | null)?.keys
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => k && typeof k === 'object' && typeof (k as {kty?: unknown}).kty === 'string')) {
    throw usageError(`--oidc-jwks: ${file} is not a JSON Web Key Set: it needs "keys", a list of keys with "kty".`)
  }
  return {keys: keys as Array<Record<string, unknown>>}
}

export default class SandboxStart extends BaseCommand<typeof SandboxStart> {
  static override summary = 'Run the embedded Octopus-compatible sandbox server in the foreground.'

  static override description = `Serves the worker part of the Octopus REST API from a SQLite file, on loopback by
default, until Ctrl-C or SIGTERM (then it shuts down cleanly and exits 0). It prints its URL and
API key; with --json, the first line of stdout is one JSON object {Url, ApiKey, ReadOnlyApiKey,
Data, OctopusVersion, Seed, Seeded}; without --json the next step (the environment to export, or
the login command) follows on stderr. A data file that already holds an estate keeps it: --seed is
applied only to a new file, and the file is served on the port it was last served on when that
port is free (unless --port names another), so a profile saved for it keeps working. One sandbox serves a data file at a time: a second start on a file
another sandbox serves is refused (exit 2), naming that sandbox's URL and PID. --seed demo builds a small realistic estate; scale:N builds N workers.
The API key to accept comes from --api-key-stdin or OCTOWORKERS_SANDBOX_API_KEY (never a flag
value, which any user could read in \`ps\`), else the data file's stored key, else a new one.
OpenID Connect: --oidc-issuer ISS with the issuer's keys (--oidc-jwks FILE, or --oidc-jwks-url URL)
gives the sandbox a service account that trusts ID tokens from that issuer whose subject matches
--oidc-subject (\`*\` and \`?\` wildcards); its ID, the audience the tokens must carry, is printed as
OidcServiceAccountId. The sandbox then serves /.well-known/openid-configuration and the token
exchange like an Octopus Server, and the access tokens it issues work as bearer tokens for an hour.`

  static override examples = [
    '<%= config.bin %> sandbox start --seed demo',
    '<%= config.bin %> sandbox start --port 0 --data :memory: --json',
    '<%= config.bin %> sandbox start --octopus-version 2021.2 --seed scale:2000',
    '<%= config.bin %> sandbox start --oidc-issuer https://token.actions.githubusercontent.com --oidc-jwks-url https://token.actions.githubusercontent.com/.well-known/jwks --oidc-subject "repo:my-org/*"',
    `${SANDBOX_API_KEY_ENV}=API-MYSANDBOXKEY <%= config.bin %> sandbox start --seed demo`,
    'printenv SANDBOX_KEY | <%= config.bin %> sandbox start --api-key-stdin',
  ]

  static override flags = {
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    port: Flags.custom<number>({description: `TCP port (default ${DEFAULT_PORT}; 0 = a random free port). Without --port, or with 0, a data file's last port is used again when it is free.`, parse: flagParser((input) => parsePort(input))})(),
    data: Flags.string({description: 'SQLite data file, or :memory: (default: $XDG_DATA_HOME/octoworkers/sandbox.sqlite).'}),
    seed: Flags.custom<string>({description: 'Estate for a new data file: empty, demo or scale:N.', default: 'empty', parse: flagParser((input) => parseSeed(input))})(),
    'octopus-version': Flags.option({description: 'Octopus Server version to emulate.', options: OCTOPUS_VERSIONS, default: '2026.1'})(),
    'api-key-stdin': Flags.boolean({description: `Read the API key to accept from stdin (else ${SANDBOX_API_KEY_ENV}, else the one stored in the data file, else a new one).`}),
    'api-key': Flags.string({description: `Deprecated: the key shows in \`ps\`. Use ${SANDBOX_API_KEY_ENV} or --api-key-stdin.`, hidden: true}),
    'oidc-issuer': Flags.string({description: 'Trust ID tokens from this OpenID Connect issuer (their `iss`, exactly) for the sandbox\'s service account.', helpGroup: 'OIDC'}),
    'oidc-jwks': Flags.string({description: 'The issuer\'s public keys: a JWKS file.', dependsOn: ['oidc-issuer'], exclusive: ['oidc-jwks-url'], helpGroup: 'OIDC'}),
    'oidc-jwks-url': Flags.string({description: 'The issuer\'s public keys: a JWKS URL, fetched when a token is verified.', dependsOn: ['oidc-issuer'], exclusive: ['oidc-jwks'], helpGroup: 'OIDC'}),
    'oidc-subject': Flags.string({description: 'The subject (`sub`) the ID tokens must have: `*` matches any run of characters, `?` one character.', default: '*', helpGroup: 'OIDC'}),
    // Tests shorten it so that an expiry can be seen without waiting an hour.
    'oidc-token-lifetime': durationFlag({description: 'Lifetime of the access tokens the exchange issues.', default: '1h', max: '1d', hidden: true}),
  }

  public async run(): Promise<void> {
    const {seed} = this.flags
    // The port the profile saved from the last start names stays right when it can: a data file
    // is served on its last port again unless a port other than "any" was asked for.
    const port = this.flags.port ?? DEFAULT_PORT
    const reuseLastPort = this.flags.port === undefined || this.flags.port === 0
    const {apiKey, warning} = await chooseSandboxApiKey({flag: this.flags['api-key'], fromStdin: this.flags['api-key-stdin'], env: this.env, readStdin: () => readAllText(this.io.stdin)})
    if (warning) this.warnUser(warning)
    const dataFile = this.flags.data ?? defaultDataFile(this.env)
    const oidc = await this.oidcTrust()

    let sandboxModule: typeof import('../../sandbox/index.js')
    try {
      sandboxModule = await import('../../sandbox/index.js')
    } catch (error) {
      throw new CliError(`sandbox start cannot run: ${(error as Error).message}`, ExitCode.Failure)
    }
    let sandbox: Awaited<ReturnType<typeof sandboxModule.startSandbox>>
    try {
      sandbox = await sandboxModule.startSandbox({
        host: this.flags.host,
        port,
        reuseLastPort,
        dataFile,
        seed: seed as 'empty',
        octopusVersion: this.flags['octopus-version'],
        apiKey,
        oidc,
        oidcAccessTokenLifetimeSeconds: Math.max(1, Math.round(this.flags['oidc-token-lifetime'] / 1000)),
      })
    } catch (error) {
      const e = error as Error & {code?: string; holder?: {Pid: number; Url: string | null}; lockFile?: string}
      if (e.code === 'data-file-in-use' && e.holder) {
        const where = e.holder.Url ? `the sandbox at ${e.holder.Url}` : 'a sandbox that is still starting'
        throw usageError(`Refusing to start: ${dataFile} is already served by ${where} (PID ${e.holder.Pid}); two servers over one data file would not see each other's changes.`, {
          code: 'data-file-in-use',
          hint: `Use that one${e.holder.Url ? ` (OCTOPUS_URL=${e.holder.Url})` : ''}, stop it, or start another on a file of its own: --data FILE, or --data :memory: for one that keeps nothing. If PID ${e.holder.Pid} is no sandbox, remove ${e.lockFile}.`,
          details: {url: e.holder.Url, pid: e.holder.Pid, lockFile: e.lockFile},
        })
      }
      if (e.code === 'EADDRINUSE') throw new CliError(`sandbox start cannot run: port ${port} on ${this.flags.host} is already in use.`, ExitCode.Failure, {hint: 'Choose another --port, or --port 0 for a random free one.'})
      if (/unknown seed|unsupported Octopus version|has no OpenID Connect login/.test(e.message)) throw usageError(e.message)
      throw new CliError(`sandbox start cannot run: ${e.message}`, ExitCode.Failure)
    }

    // Listen for SIGTERM before the URL is printed: a supervisor may stop us as soon as it reads it.
    const stopped = new Promise<void>((resolve) => {
      this.stopRequested = resolve
      this.onSignal('SIGTERM', () => resolve())
    })
    // The key is this command's output, so it is written directly (print() would redact it).
    if (this.isJson) {
      const oidcFields = sandbox.oidcServiceAccountId ? {OidcServiceAccountId: sandbox.oidcServiceAccountId} : {}
      writeStdout(this.io, JSON.stringify({Url: sandbox.url, ApiKey: sandbox.apiKey, ReadOnlyApiKey: sandbox.readOnlyApiKey, Data: sandbox.dataFile, OctopusVersion: sandbox.octopusVersion, Seed: sandbox.seed, Seeded: sandbox.seeded, ...oidcFields}))
    } else {
      const oidcLine = sandbox.oidcServiceAccountId ? `\nOidcServiceAccountId: ${sandbox.oidcServiceAccountId}` : ''
      writeStdout(this.io, `Url:              ${sandbox.url}\nApiKey:           ${sandbox.apiKey}\nReadOnlyApiKey:   ${sandbox.readOnlyApiKey}\nData:             ${sandbox.dataFile}\nOctopusVersion:   ${sandbox.octopusVersion}${oidcLine}`)
    }
    if (!sandbox.seeded && this.flags.seed !== sandbox.seed) this.note(`The data file already holds an estate (seed ${sandbox.seed}); --seed ${this.flags.seed} was not applied.`)
    else this.note(sandbox.seeded ? `Created a new estate (seed ${sandbox.seed}).` : `Using the existing estate in ${sandbox.dataFile}.`)
    // Written directly, as the key above: note() would redact the key these lines exist to give.
    if (!this.isJson) for (const line of nextStepLines(sandbox.url, sandbox.apiKey, this.config.bin)) writeStderrLine(this.io, line)
    this.note('Sandbox running. Press Ctrl-C to stop.')

    await stopped
    await sandbox.close()
    this.note('Sandbox stopped.')
  }

  private stopRequested?: () => void

  /** The issuer the sandbox's service account trusts, from the --oidc-* flags (its keys are needed). */
  private async oidcTrust(): Promise<{issuer: string; jwks?: {keys: Array<Record<string, unknown>>}; jwksUrl?: string; subject: string} | undefined> {
    const issuer = this.flags['oidc-issuer']
    if (issuer === undefined) return undefined
    const file = this.flags['oidc-jwks']
    const url = this.flags['oidc-jwks-url']
    if (file === undefined && url === undefined) throw usageError('--oidc-issuer needs the issuer\'s public keys: --oidc-jwks FILE or --oidc-jwks-url URL.')
    if (url !== undefined && !/^https?:\/\/[^/]/i.test(url)) throw usageError(`--oidc-jwks-url must be an http(s) URL, not '${url}'.`)
    return {issuer, jwks: file === undefined ? undefined : await readJwksFile(file), jwksUrl: url, subject: this.flags['oidc-subject']}
  }

  /** Ctrl-C is the normal way to stop: shut down cleanly and exit 0. */
  protected override onInterrupt(): void {
    if (this.stopRequested) this.stopRequested()
    else super.onInterrupt()
  }
}

/** What to do next, for a human: point this shell at the sandbox, or save it as a profile. */
export function nextStepLines(url: string, apiKey: string, bin: string): string[] {
  return [
    'Next, in the shell you will run commands from:',
    `  export OCTOPUS_URL=${shellQuote(url)} OCTOPUS_API_KEY=${shellQuote(apiKey)}`,
    `or save it as a profile: printf '%s' ${shellQuote(apiKey)} | ${bin} login --server ${shellQuote(url)} --api-key-stdin`,
  ]
}
