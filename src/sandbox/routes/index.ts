import type {FaultInjector} from '../faults.js'
import type {Route} from '../router.js'
import type {SandboxOidc} from '../oidc.js'
import {coreRoutes} from './core.js'
import {oidcRoutes} from './oidc.js'
import {infraRoutes} from './infra.js'
import {poolRoutes} from './pools.js'
import {sandboxRoutes} from './sandbox.js'
import {taskRoutes} from './tasks.js'
import {usageRoutes} from './usage.js'
import {workerRoutes} from './workers.js'

export function allRoutes(faults: FaultInjector, dataFile: string, oidc: SandboxOidc): Route[] {
  return [...coreRoutes, ...oidcRoutes(oidc), ...poolRoutes, ...workerRoutes, ...infraRoutes, ...taskRoutes, ...usageRoutes, ...sandboxRoutes(faults, dataFile)]
}
