/** builtin/*: the built-in worker runs steps on the Octopus Server itself (README §4, guidance §7.7). */
import {builtinUsage} from '../../estate/builtin.js'
import type {Finding} from '../types.js'
import {registerWorkerFix, spaceFinding, type RuleDescriptor} from './context.js'

const featuresUnreadable: RuleDescriptor['unavailable'] = ({snapshot}) =>
  snapshot.builtInWorkerEnabled === undefined ? 'the features configuration could not be read (it needs an administrator)' : undefined

export const builtinEnabled: RuleDescriptor = {
  id: 'builtin/enabled',
  defaultSeverity: 'warning',
  title: 'The built-in worker is switched off',
  rationale: 'Octopus: at scale, disable the built-in worker (self-hosted) and run steps on external workers; it runs steps on the Octopus Server under its service account.',
  unavailable: featuresUnreadable,
  run: ({snapshot}) => {
    if (snapshot.builtInWorkerEnabled !== true) return []
    return [{
      RuleId: 'builtin/enabled', Severity: 'warning', Subject: 'Octopus Server', SubjectId: null, SpaceId: null, SpaceName: null,
      Message: 'The built-in worker is enabled: steps on an empty default pool run on the Octopus Server itself. Octopus advises switching it off at scale and using external workers.',
      Fix: 'octoworkers builtin-worker disable',
    }]
  },
}

export const builtinInUse: RuleDescriptor = {
  id: 'builtin/in-use',
  defaultSeverity: 'warning',
  title: 'No space relies on the built-in worker',
  rationale: 'The built-in worker runs a step only when the default pool has no workers at all and the feature is on.',
  unavailable: featuresUnreadable,
  run: ({snapshot}) => {
    if (snapshot.builtInWorkerEnabled !== true) return []
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      const usage = builtinUsage(space, true)
      if (!usage.BuiltInWorkerInUse || !usage.DefaultPoolId) continue
      findings.push(spaceFinding('builtin/in-use', 'warning', space, {Id: usage.DefaultPoolId, Name: usage.DefaultPoolName!},
        `The default pool '${usage.DefaultPoolName}' has no workers, so steps that use it run on the built-in worker on the Octopus Server.`,
        registerWorkerFix(usage.DefaultPoolName!, space)))
    }
    return findings
  },
}
