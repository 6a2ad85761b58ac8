/** The commented starter `.octoworkers.yaml` that `check --init` writes, based on Octopus's published guidance. */
import {existsSync, writeFileSync} from 'node:fs'
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import {RULE_IDS} from '../../domain/policy/types.js'

export const STARTER_CONFIG = `# octoworkers check: conventions and thresholds for your Octopus workers and worker pools.
# \`octoworkers check\` reads this file from the current directory or the nearest parent.
# Based on Octopus Deploy's guidance for workers at scale:
#   https://octopus.com/docs/getting-started/best-practices/worker-configuration

# Naming conventions. Each is either
#   regex: '...'          a regular expression the whole name must match, or
#   template: '...'       text with {tokens}, or a list of such templates (a name may fit any
#                         one), and under tokens: each token's allowed values (a list) or a
#                         regular expression (a quoted string such as '\\d{2}').
# allow: lists names accepted as they are; ignoreCase: true matches without regard to case.
# A name that does not fit is reported with the first token that does not match.
conventions:
  # "Establish an easy-to-understand naming convention for workers. For example,
  #  p-db-omaha-worker-01 for a worker located in Omaha to do database deployments on Production."
  worker:
    template: '{env}-{role}-{location}-worker-{nn}'
    tokens:
      env: [d, t, s, p]            # development, test, staging, production
      role: '[a-z][a-z0-9]*'       # what it deploys: db, web, api, k8s... (list yours to be strict)
      location: '[a-z]+'           # omaha, denver, azcus...
      nn: '\\d{2}'
  # "Name the worker pool to match the purpose, location, and environment. For example,
  #  Azure Central US Production Worker Pool." The guidance fixes no order, so both of
  # these fit: Azure Central US Production Worker Pool, Production Database Omaha Worker Pool.
  pool:
    template:
      - '{purpose} {location} {environment} Worker Pool'
      - '{environment} {purpose} {location} Worker Pool'
    tokens:
      purpose: '[A-Z][A-Za-z0-9]*'                 # one word: Azure, Database, Web, Linux...
      location: '[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*'  # one or more words: Omaha, Central US
      environment: [Development, Test, Staging, Production]
    # Names Octopus gives its own pools: every space's default pool, and Octopus Cloud's
    # dynamic pools.
    allow: [Default Worker Pool, Hosted Ubuntu, Hosted Windows, Ubuntu (default), Windows (default)]

thresholds:
  # "For redundancy, have at least two workers per pool." A static pool with no healthy,
  # enabled worker is an error; fewer than this many is a warning.
  minWorkers: 2

# When \`leases report\` recommends a change (each recommendation gives its figure).
capacity:
  # Add a worker to a pool whose every available worker held a lease this long in the window.
  allBusy: 30m
  # A pool of 2 or more workers idle at least this percentage of the window could do with fewer.
  idlePercent: 95
  # Name a worker whose steps waited this long on another script's mutex on it.
  mutexWait: 10m
  # Add a worker to a pool whose steps waited this long in all for one of its workers.
  leaseWait: 10m

# Per-pool overrides, keyed by pool name or glob (case-insensitive).
pools:
  # 'Spare *':
  #   minWorkers: 0

# Severity per rule: error, warning, note, or off. Rule IDs:
#   ${RULE_IDS.join(', ')}
severities:
  # "At scale, disable the built-in worker": make it an error once your external workers are in place.
  builtin/enabled: warning
  # The usage/* rules read every deployment process, runbook and variable set (a fixed number of
  # requests per space). Set all five to off and check reads only workers and pools:
  # usage/no-execution-container: off

# Findings to leave out of the report: rule ID (or glob such as naming/*), subject glob,
# and optionally a space (name, ID or glob) and a reason.
ignores:
  # - rule: naming/pool
  #   subject: Legacy*
  #   reason: renamed when the data centre moves
`

/** Writes the starter file; refuses to overwrite an existing file unless `force`. */
export function writeStarterConfig(file: string, force: boolean): void {
  if (existsSync(file) && !force) {
    throw usageError(`${file} already exists; not overwriting it.`, {hint: 'Pass --force to replace it with the starter file.'})
  }
  try {
    writeFileSync(file, STARTER_CONFIG, {encoding: 'utf8'})
  } catch (error) {
    throw new CliError(`Cannot write ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'its directory does not exist' : (error as Error).message}.`, ExitCode.Failure)
  }
}
