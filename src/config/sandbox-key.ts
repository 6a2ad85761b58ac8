import {usageError} from '../text/errors.js'
import {cleanApiKey} from './key-storage.js'

/** The environment variable `sandbox start` takes its API key from, so the key is not in `ps`. */
export const SANDBOX_API_KEY_ENV = 'OCTOWORKERS_SANDBOX_API_KEY'

const KEY_FORM = /^API-[A-Z0-9]{4,}$/

export interface SandboxKeySources {
  /** `--api-key KEY`: still accepted, but anyone on the machine can read it in `ps`. */
  flag?: string
  /** `--api-key-stdin` */
  fromStdin: boolean
  env: NodeJS.ProcessEnv
  readStdin: () => Promise<string>
}

export interface SandboxKeyChoice {
  /** undefined: the data file's stored key, else a new one. */
  apiKey?: string
  /** A warning to show (the key came from a flag); never holds the key. */
  warning?: string
}

/**
 * Which API key `sandbox start` accepts: --api-key-stdin, else the deprecated --api-key flag, else
 * OCTOWORKERS_SANDBOX_API_KEY, else none (the stored or a new key). Giving both --api-key-stdin
 * and --api-key is ambiguous: exit 2.
 */
export async function chooseSandboxApiKey(sources: SandboxKeySources): Promise<SandboxKeyChoice> {
  if (sources.fromStdin && sources.flag !== undefined) throw usageError('Give the sandbox API key one way: --api-key-stdin or --api-key, not both.')
  if (sources.fromStdin) return {apiKey: checkForm(cleanApiKey(await sources.readStdin(), 'stdin'), 'The API key on stdin')}
  if (sources.flag !== undefined) {
    return {
      apiKey: checkForm(sources.flag, '--api-key'),
      warning: `--api-key puts the key in the process list (ps) for every user of this machine; set ${SANDBOX_API_KEY_ENV} or pipe it to --api-key-stdin instead.`,
    }
  }
  const fromEnv = sources.env[SANDBOX_API_KEY_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return {apiKey: checkForm(fromEnv.trim(), SANDBOX_API_KEY_ENV)}
  return {}
}

function checkForm(key: string, from: string): string {
  if (!KEY_FORM.test(key)) throw usageError(`${from} must look like an Octopus API key: API- followed by upper-case letters and digits.`)
  return key
}
