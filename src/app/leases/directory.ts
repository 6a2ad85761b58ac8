/**
 * Names for IDs (and IDs for names): the space's workers and pools, read once and re-read only
 * when an event names something unknown — at most once per poll, never once per event.
 */
import type {SpaceContext} from '../../octopus/client.js'
import {listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'

export class NameDirectory {
  private workers: WorkerResource[] = []
  private pools: WorkerPoolResource[] = []
  private loaded = false
  private refreshedThisPoll = false
  /** Number of times the lists were (re)read, for tests of the caching rule. */
  loads = 0

  constructor(readonly space: SpaceContext) {}

  async load(): Promise<void> {
    const [workers, pools] = await Promise.all([listWorkers(this.space), listWorkerPools(this.space)])
    this.workers = workers
    this.pools = pools
    this.loaded = true
    this.loads++
  }

  /** Allows one refresh in the coming poll. */
  beginPoll(): void {
    this.refreshedThisPoll = false
  }

  get allWorkers(): readonly WorkerResource[] {
    return this.workers
  }

  get allPools(): readonly WorkerPoolResource[] {
    return this.pools
  }

  async workerById(id: string): Promise<WorkerResource | undefined> {
    return this.find(() => this.workers.find((w) => w.Id === id))
  }

  async workerByName(name: string): Promise<WorkerResource | undefined> {
    const lower = name.toLowerCase()
    return this.find(() => this.workers.find((w) => w.Name.toLowerCase() === lower))
  }

  async poolById(id: string): Promise<WorkerPoolResource | undefined> {
    return this.find(() => this.pools.find((p) => p.Id === id))
  }

  async poolByName(name: string): Promise<WorkerPoolResource | undefined> {
    const lower = name.toLowerCase()
    return this.find(() => this.pools.find((p) => p.Name.toLowerCase() === lower))
  }

  private async find<T>(lookup: () => T | undefined): Promise<T | undefined> {
    if (!this.loaded) await this.load()
    const hit = lookup()
    if (hit || this.refreshedThisPoll) return hit
    this.refreshedThisPoll = true
    await this.load()
    return lookup()
  }
}
