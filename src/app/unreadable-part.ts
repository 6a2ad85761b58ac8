/**
 * An optional part of the estate a read could not get (a least-privilege key, an older server),
 * told to the caller as data: src/views/unreadable-part.ts words it. The read goes on without it,
 * and whatever needs the part is left out.
 */

/** A part read once per run. */
export type ServerPart =
  /** The features document, for the built-in worker flag `check` reasons about. */
  | 'features'
  /** The features document, read by `estate plan/apply/export` for the file's builtInWorker setting. */
  | 'built-in-worker-setting'
  | 'server-nodes'

/** A part read once per space. */
export type SpacePart =
  | 'worker-pool-summary'
  | 'deployment-targets'
  | 'projects-and-processes'
  | 'feeds'
  /** The variables of every project and library set, in one bulk `variables/all` request. */
  | 'bulk-variables'
  | 'lifecycles'
  | 'worker-leases'

export type UnreadablePart = {part: ServerPart} | {part: SpacePart; space: string}

/**
 * Why it could not be read: the server refused or lacked it (`status`: 401, 403 or 404), or it has
 * no bulk `variables/all` route, so each variable set was read on its own instead.
 */
export type UnreadableCause = {kind: 'http'; status: number} | {kind: 'no-bulk-variables-route'}

/** Told about each optional part that could not be read. */
export type OnUnavailable = (part: UnreadablePart, cause: UnreadableCause) => void

export function httpCause(status: number): UnreadableCause {
  return {kind: 'http', status}
}
