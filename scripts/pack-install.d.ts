export interface InstalledCli {
  /** The tarball `npm pack` wrote. */
  tarball: string
  /** The `npm install -g --prefix` directory. */
  prefix: string
  /** The installed command, as a user's PATH finds it. */
  bin: string
  /** The installed package's bin/run.js (to run with `node`). */
  runJs: string
  packMs: number
  installMs: number
}

export function packAndInstall(scratch: string): Promise<InstalledCli>
