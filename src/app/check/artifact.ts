/**
 * The file a `check` report's results are placed in, for formats that need one (SARIF: GitHub code
 * scanning rejects a result without a physical location). Findings are about Octopus resources,
 * not files, so each one points at the setting in `.octoworkers.yaml` that produced it. The URI is
 * relative to the repository root, as code scanning wants (never an absolute file:// URI): the
 * nearest directory from the working directory up that holds `.git`, else the working directory.
 * With no config file it is the file `check` would read, `.octoworkers.yaml` in the working
 * directory, at line 1.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {CONFIG_FILE_NAMES} from '../../config/octoworkers-yaml/load.js'

export function repositoryRoot(cwd: string): string {
  let current = path.resolve(cwd)
  for (;;) {
    if (existsSync(path.join(current, '.git'))) return current
    const parent = path.dirname(current)
    if (parent === current) return path.resolve(cwd)
    current = parent
  }
}

/** A relative URI reference to the config file in use (or the one that would be), from the repository root. */
export function configArtifactUri(configFile: string | null, cwd: string): string {
  const root = repositoryRoot(cwd)
  const file = path.resolve(cwd, configFile ?? CONFIG_FILE_NAMES[0])
  const relative = path.relative(root, file)
  // A file outside the repository has no path code scanning could show; its name still says which file.
  const inside = relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative)
  return (inside ? relative.split(path.sep) : [path.basename(file)]).map(encodeURIComponent).join('/')
}
