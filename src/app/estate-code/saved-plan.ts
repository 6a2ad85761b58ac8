/**
 * A plan saved with `estate plan -o FILE` and applied with `estate apply FILE`: the desired estate
 * it was made from, its options, and a digest of the server state it read. Apply reads the server
 * again; a different digest means the server changed since, and the saved plan is refused as stale.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import type {DesiredEstate} from '../../domain/estate-file/desired.js'
import type {FailOn} from '../../domain/policy/engine.js'
import type {EstatePlan} from './plan.js'

const KIND = 'octoworkers-estate-plan'

export interface SavedPlanOptions {
  prune: boolean
  force: boolean
  failOn: FailOn
  keepHealthy?: number
}

export interface SavedPlan {
  Kind: typeof KIND
  Version: 1
  Server: string
  Options: SavedPlanOptions
  Desired: DesiredEstate
  StateDigest: string
  Plan: EstatePlan
}

export function writeSavedPlan(file: string, plan: EstatePlan, desired: DesiredEstate, options: SavedPlanOptions): void {
  const saved: SavedPlan = {Kind: KIND, Version: 1, Server: plan.Server, Options: options, Desired: desired, StateDigest: plan.StateDigest, Plan: plan}
  writeFileSync(file, JSON.stringify(saved, null, 2) + '\n')
}

/** A saved plan file, or undefined when the file is not one (then it is read as an estate file). */
export function readSavedPlan(file: string): SavedPlan | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw usageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`)
  }
  if (!text.trimStart().startsWith('{')) return undefined
  let doc: Partial<SavedPlan>
  try {
    doc = JSON.parse(text) as Partial<SavedPlan>
  } catch {
    return undefined
  }
  if (doc.Kind !== KIND) return undefined
  if (doc.Version !== 1 || typeof doc.Server !== 'string' || typeof doc.StateDigest !== 'string' || !doc.Desired || !Array.isArray(doc.Desired.spaces) || !doc.Options) {
    throw usageError(`${file} is not a plan this version of octoworkers can apply; make a new one with \`estate plan -o\`.`)
  }
  return doc as SavedPlan
}

export function refuseStale(saved: SavedPlan, file: string, current: EstatePlan): void {
  if (saved.Server !== current.Server) throw usageError(`${file} was made for ${saved.Server}, not ${current.Server}.`)
  if (saved.StateDigest !== current.StateDigest) {
    throw new CliError(`The saved plan ${file} is stale: the server changed since it was made. Nothing was changed.`, ExitCode.Failure, {code: 'stale-plan', hint: 'Run `estate plan` again and review the new plan.'})
  }
}
