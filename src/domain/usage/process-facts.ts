/**
 * A deployment or runbook process reduced to what the usage is computed from: its steps' and
 * actions' identities, pools, container, scoping, and the two properties the rules read (whether
 * an action runs on the server, a step's target roles). Scripts, packages, notes and links are
 * left behind, so that the processes of a large space cost what usage reads of them while the
 * space's other lists are still arriving.
 *
 * Pure.
 */
import type {ActionFacts, ProcessFacts, PropertyValue, StepFacts} from '../../octopus/usage-types.js'
import {USAGE_PROPERTIES} from './runs-on-worker.js'

export function processFacts(process: ProcessFacts): ProcessFacts {
  const steps = process.Steps
  return {Id: process.Id, ProjectId: process.ProjectId, RunbookId: process.RunbookId, Steps: Array.isArray(steps) ? steps.map(stepFacts) : steps}
}

function stepFacts(step: StepFacts): StepFacts {
  // A hand-made document may hold anything here: it is passed on as it came, for the rules to judge.
  if (typeof step !== 'object' || step === null) return step
  const actions = step.Actions
  return {Id: step.Id, Name: step.Name, Properties: usedProperties(step.Properties), Actions: Array.isArray(actions) ? actions.map(actionFacts) : actions}
}

function actionFacts(action: ActionFacts): ActionFacts {
  if (typeof action !== 'object' || action === null) return action
  return {
    Id: action.Id,
    Name: action.Name,
    ActionType: action.ActionType,
    IsDisabled: action.IsDisabled,
    WorkerPoolId: action.WorkerPoolId,
    WorkerPoolVariable: action.WorkerPoolVariable,
    Container: action.Container,
    Environments: action.Environments,
    ExcludedEnvironments: action.ExcludedEnvironments,
    Channels: action.Channels,
    Properties: usedProperties(action.Properties),
  }
}

function usedProperties(properties: Record<string, PropertyValue> | null | undefined): Record<string, PropertyValue> | null | undefined {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return properties
  // Every spelling of the keys, in their order: properties are read case-insensitively, the first spelling winning.
  const used: Record<string, PropertyValue> = {}
  for (const key of Object.keys(properties)) if (USED_KEYS.has(key.toLowerCase())) used[key] = properties[key]
  return used
}
const USED_KEYS = new Set(USAGE_PROPERTIES.map((key) => key.toLowerCase()))
