/** Every `check` rule, in report order. One module per rule family. */
import {builtinEnabled, builtinInUse} from './builtin.js'
import {unhealthyWorker, upgradeNeeded} from './health.js'
import {alsoDeploymentTarget, duplicateName, duplicateThumbprint, dynamicInUse, emptyPool} from './inventory.js'
import {namingPool, namingWorker} from './naming.js'
import {allUnhealthy, minWorkers, tooFewForHa} from './redundancy.js'
import {USAGE_RULES} from './usage.js'
import type {RuleDescriptor} from './context.js'

export const RULES: readonly RuleDescriptor[] = [
  namingWorker, namingPool,
  minWorkers, allUnhealthy,
  unhealthyWorker, upgradeNeeded,
  builtinEnabled, builtinInUse,
  emptyPool, duplicateName, duplicateThumbprint, alsoDeploymentTarget,
  tooFewForHa, dynamicInUse,
  ...USAGE_RULES,
]

