import {isLegacy, type ModelContext} from '../context.js'
import {stamp} from '../docs.js'
import {validationError} from '../http.js'
import {Fields} from '../validate.js'

/** The fields of FeaturesConfigurationResource each emulated version knows, all kept on PUT. */
const FEATURE_FLAGS_2021 = ['IsBuiltInWorkerEnabled', 'IsCommunityActionTemplatesEnabled', 'IsHelpSidebarEnabled', 'IsKubernetesEnabled', 'IsActionContainersEnabled', 'IsConfigurationAsCodeEnabled', 'IsAzureZipDeployEnabled', 'IsStepUiFrameworkEnabled']
const FEATURE_FLAGS_2026 = [...FEATURE_FLAGS_2021, 'IsAutomaticStepUpdatesEnabled', 'IsCompositeDockerHubRegistryFeedEnabled', 'IsConfigureFeedsWithLocalOrSmbPathsEnabled', 'IsExperimentalUIFeatureEnabled', 'IsGitHubAppEnabled', 'IsKubernetesCloudTargetDiscoveryEnabled', 'IsProjectsPageOnboardingEnabled', 'IsProjectsPageOptimizationEnabled', 'IsWebhookTriggerEnabled']
const FEATURE_STRINGS = ['HelpSidebarSupportLink', 'HelpSidebarSupportLinkLabel', 'DefaultPowerShellEdition']

export function defaultFeatures(): Record<string, unknown> {
  const doc: Record<string, unknown> = {Id: 'features'}
  for (const flag of FEATURE_FLAGS_2026) doc[flag] = flag !== 'IsExperimentalUIFeatureEnabled'
  doc.HelpSidebarSupportLink = null
  doc.HelpSidebarSupportLinkLabel = null
  doc.DefaultPowerShellEdition = 'WindowsPowerShell'
  return doc
}

export function readFeatures(ctx: ModelContext): Record<string, unknown> {
  const stored = ctx.store.getMeta('features')
  const doc = stored ? (JSON.parse(stored) as Record<string, unknown>) : defaultFeatures()
  const flags = isLegacy(ctx) ? FEATURE_FLAGS_2021 : FEATURE_FLAGS_2026
  const out: Record<string, unknown> = {Id: 'features'}
  for (const flag of flags) out[flag] = doc[flag]
  for (const field of isLegacy(ctx) ? ['HelpSidebarSupportLink'] : FEATURE_STRINGS) out[field] = doc[field] ?? null
  out.LastModifiedOn = doc.LastModifiedOn ?? null
  out.LastModifiedBy = doc.LastModifiedBy ?? null
  out.Links = {Self: '/api/featuresconfiguration'}
  return out
}

/** PUT is a full replace: a flag the body leaves out goes back to its default (clients send the whole GET body back). */
export function writeFeatures(ctx: ModelContext, body: unknown): Record<string, unknown> {
  const input = Fields.of(body).body
  const errors: string[] = []
  const stored = ctx.store.getMeta('features')
  const previous = stored ? (JSON.parse(stored) as Record<string, unknown>) : defaultFeatures()
  const next: Record<string, unknown> = {...defaultFeatures()}
  // Flags this emulated version does not know are left as they were.
  const known = isLegacy(ctx) ? FEATURE_FLAGS_2021 : FEATURE_FLAGS_2026
  for (const flag of FEATURE_FLAGS_2026) {
    if (!known.includes(flag)) {
      next[flag] = previous[flag]
      continue
    }
    const value = input[flag]
    if (value === undefined || value === null) continue
    if (typeof value !== 'boolean') errors.push(`${flag} must be true or false.`)
    else next[flag] = value
  }
  for (const field of FEATURE_STRINGS) {
    const value = input[field]
    if (value === undefined || value === null) next[field] = field === 'DefaultPowerShellEdition' ? 'WindowsPowerShell' : null
    else if (typeof value !== 'string') errors.push(`${field} must be a string.`)
    else next[field] = value
  }
  if (errors.length) throw validationError(...errors)
  Object.assign(next, stamp(ctx))
  ctx.store.setMeta('features', JSON.stringify(next))
  return readFeatures(ctx)
}
