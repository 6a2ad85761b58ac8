import type {ModelContext} from '../context.js'

export interface SpaceDoc {
  Id: string
  Name: string
  Slug: string
  Description: string | null
  IsDefault: boolean
  TaskQueueStopped: boolean
  SpaceManagersTeams: string[]
  SpaceManagersTeamMembers: string[]
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}

export function defaultSpaceId(ctx: ModelContext): string | undefined {
  return ctx.store.listDocs('Space', null).map((r) => JSON.parse(r.json) as SpaceDoc).find((s) => s.IsDefault)?.Id
}
