import type {ModelContext} from '../../context.js'
import {isLegacy} from '../../context.js'

/** Removes fields the emulated version does not have: 2021.2 has no inline execution containers. */
export function presentUsageJson(ctx: ModelContext, json: string): string {
  return isLegacy(ctx) ? json.replace(/,"GitUrl":null,"Dockerfile":null/g, '') : json
}
