import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'
import type {Command} from '@oclif/core/command'
import {BaseCommand} from './base-command.js'
import {CliError, usageError} from '../text/errors.js'
import {refusedLoopbackHint, rejectedCredentialHint, resolveConnection, type ResolvedConnection} from '../config/connection.js'
import type {OctopusClient, SpaceContext} from '../octopus/client.js'
import {isConnectionRefused, OctopusApiError} from '../octopus/errors.js'
import {warnIfPlainHttp} from '../octopus/plain-http.js'
import {durationFlag, flagParser} from './flags.js'
import {allSpaceContexts} from '../app/estate/spaces.js'

/** The flags of a ServerCommand subclass T: its own, BaseCommand's and the connection flags. */
export type ServerFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof ServerCommand)['baseFlags'] & T['flags']>

export interface Connected {
  client: OctopusClient
  connection: ResolvedConnection
}

/** Base for commands that talk to an Octopus Server: the global connection flags of docs/ARCHITECTURE.md §2. */
export abstract class ServerCommand<T extends typeof Command> extends BaseCommand<T> {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    server: Flags.string({description: 'Octopus Server URL (env OCTOPUS_URL).', helpGroup: 'GLOBAL'}),
    space: Flags.custom<string>({
      char: 's',
      description: 'Space name or ID (env OCTOPUS_SPACE; default: the profile\'s space, else the server\'s default).',
      helpGroup: 'GLOBAL',
      parse: flagParser((input) => parseSpaceFlag(input)),
    })(),
    profile: Flags.string({description: 'Profile to use (env OCTOWORKERS_PROFILE; default: the one `auth switch` chose, else "default").', helpGroup: 'GLOBAL'}),
    'ca-cert': Flags.string({description: 'PEM file of extra CA certificates to trust.', helpGroup: 'GLOBAL'}),
    timeout: durationFlag({
      description: 'How long each HTTP request may take, headers to last byte, retries included (default 30s; e.g. 90s, 2m; a bare number is seconds).',
      helpGroup: 'GLOBAL',
    }),
  }

  protected declare flags: ServerFlags<T>
  private connected?: Connected
  /** The credential this run sends, known before the first request: a 401's hint names where it came from. */
  private resolvedConnection?: ResolvedConnection

  /** How this run's client talks to a server, from the connection flags: the same for every command, login included. */
  protected clientSettings(): {timeoutSeconds: number | undefined; caCertFile: string | undefined; debug: (line: string) => void; userAgent: string} {
    return {
      timeoutSeconds: this.flags.timeout === undefined ? undefined : this.flags.timeout / 1000,
      caCertFile: this.flags['ca-cert'],
      debug: this.debugLine,
      userAgent: `octoworkers/${this.config.version} node/${process.versions.node}`,
    }
  }

  /** Resolves credentials and reads the server's root document (one request). */
  protected async connect(): Promise<Connected> {
    if (this.connected) return this.connected
    const clientSettings = this.clientSettings()
    const connection = await resolveConnection({
      serverFlag: this.flags.server,
      profileFlag: this.flags.profile,
      env: this.env,
      warn: (m) => this.warnOnce(m),
      now: () => this.context.now(),
      http: {createClient: this.context.createClient, client: clientSettings},
    })
    this.resolvedConnection = connection
    for (const s of [connection.apiKey, connection.accessToken]) if (s) this.secrets.push(s)
    const renew = connection.oidc?.renew
    const client = this.context.createClient({
      server: connection.server,
      apiKey: connection.apiKey,
      accessToken: connection.accessToken,
      accessTokenRenewal: renew && connection.oidc && {
        expiresAt: connection.oidc.expiresAt,
        now: () => this.context.now(),
        renew: async () => {
          const next = await renew()
          this.secrets.push(next.accessToken)
          return next
        },
      },
      ...clientSettings,
    })
    warnIfPlainHttp(client.server, (m) => this.warnUser(m))
    await client.loadRoot()
    this.connected = {client, connection}
    return this.connected
  }

  /**
   * A rejected credential (401): the way out depends on where the credential came from. A loopback
   * server that refuses the connection: most likely a sandbox that moved.
   */
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<void> {
    const connection = this.resolvedConnection
    if (connection && error instanceof OctopusApiError && error.status === 401) {
      const hint = [error.hint, rejectedCredentialHint(connection)].filter(Boolean).join(' ')
      return super.catch(new CliError(error.message, error.exitCode, {hint, code: error.code, details: error.details, cause: error}))
    }
    const sandboxHint = connection && isConnectionRefused(error) ? refusedLoopbackHint(connection) : undefined
    if (sandboxHint && error instanceof CliError) {
      return super.catch(new CliError(error.message, error.exitCode, {hint: sandboxHint, code: error.code, details: error.details, cause: error}))
    }
    return super.catch(error)
  }

  /** Connects and resolves the space: --space, OCTOPUS_SPACE, the profile's space, else the server's default. */
  protected async connectSpace(): Promise<Connected & {space: SpaceContext}> {
    const connected = await this.connect()
    const wanted = this.flags.space ?? (this.env.OCTOPUS_SPACE || undefined) ?? connected.connection.space
    const space = await connected.client.resolveSpace(wanted)
    return {...connected, space}
  }

  /** Every space of the server (--all-spaces and the like), or the one space this run is in. */
  protected async connectSpaces(allSpaces: boolean): Promise<SpaceContext[]> {
    if (!allSpaces) return [(await this.connectSpace()).space]
    return allSpaceContexts((await this.connect()).client)
  }
}

/** --space: a name or ID; an empty one is a mistake (a script's unset variable), not "the default space". */
export function parseSpaceFlag(value: string): string {
  if (value.trim() === '') {
    throw usageError('--space must name a space (a name or ID), not an empty string.', {hint: 'Leave --space out to use the default space.'})
  }
  return value
}
