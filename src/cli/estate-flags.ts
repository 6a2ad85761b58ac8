/** The flags `estate plan` and `estate apply` share: which files, --prune, and the guards' settings. */
import * as Flags from '@oclif/core/flags'
import {keepHealthyFlag} from './flags.js'
import {FAIL_ON_VALUES, type FailOn} from '../domain/policy/engine.js'

export const estateFlags = {
  file: Flags.string({char: 'f', multiple: true, description: 'An estate file (repeat for several; they merge, and a pool or worker declared twice is an error).'}),
  prune: Flags.boolean({description: 'Delete the pools and workers of the files\' spaces that no file declares (without it they are left alone and listed).'}),
  force: Flags.boolean({description: 'Go ahead although the change takes a pool below its floor, deletes a pool that steps use, or switches the built-in worker off while a default pool has no worker.'}),
  'fail-on': Flags.option({description: 'Refuse a change that adds a naming or redundancy finding of `check` at or above this severity.', options: FAIL_ON_VALUES, default: 'error' as FailOn})(),
  'keep-healthy': keepHealthyFlag('Available workers each pool a changed worker serves must keep (default: minWorkers of .octoworkers.yaml, else 2).'),
}
