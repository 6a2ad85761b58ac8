import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {tempDir} from '../../helpers/temp.js'
import {runCli} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {chromiumPath, decodePng, distinctColours, failingProxy, pixelsNear, screenshot} from '../../helpers/chromium.js'
import {simulationDone, startSimulation} from './follow.js'

const HOSTILE_POOL = `<script>alert('pool')</script> & "co"`
/** Where the screenshots are left for people to look at (the light one is named in reports). */
const SHOTS = path.join(tmpdir(), 'octoworkers-html-report')
const chromium = chromiumPath()

/** Chromium's own background calls (update checks, clock, accounts) go to Google's hosts whatever the page is; the rest are the page's. */
const pageRequests = (requests: string[]) => requests.filter((r) => !/^\S+ (https?:\/\/)?[^/]*\b(google\.com|googleapis\.com|gvt1\.com)\b/.test(r))

describe('leases report --format html against a live sandbox', () => {
  let sandbox: Sandbox
  let env: Record<string, string>
  let dir: string
  let file: string
  let simulated: string[]

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    // A hostile pool name, set before any lease line names it.
    const pool = await api(sandbox, 'GET', '/api/Spaces-1/workerpools/WorkerPools-2')
    const renamed = await api(sandbox, 'PUT', '/api/Spaces-1/workerpools/WorkerPools-2', {...pool.body, Name: HOSTILE_POOL})
    expect(renamed.status).toBe(200)
    const started = new Date(Date.now() - 200).toISOString()
    const sim = await startSimulation(sandbox, {Tasks: 24, Concurrency: 6, MinDurationMs: 50, MaxDurationMs: 400, StepsPerTask: 2, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']})
    await simulationDone(sandbox, sim.Id)
    // The simulation's own window, so the charts spread its few seconds across their width.
    simulated = ['--since', started, '--until', new Date(Date.now() + 200).toISOString()]
    dir = tempDir('html-report')
    file = path.join(dir, 'capacity.html')
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('writes one page with -o: a chart per pool, a heatmap per leased worker, the hostile name escaped', async () => {
    const r = await runCli(['leases', 'report', '--since', '1h', '--format', 'html', '-o', file], {env})
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toBe(`Wrote the html report to ${file}.`)
    const html = readFileSync(file, 'utf8')
    const json = JSON.parse((await runCli(['leases', 'report', '--since', '1h', '--json'], {env})).stdout)
    expect(json.Capacity).toBeUndefined()
    const charts = [...html.matchAll(/<svg[^>]*aria-label="Concurrent leases[^"]*"[\s\S]*?<\/svg>/g)]
    expect(charts).toHaveLength(json.Pools.length)
    for (const [chart] of charts) expect([...chart.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1])).toEqual(['all-busy', 'available', 'busy-workers', 'leases'])
    expect([...html.matchAll(/<table class="heat">/g)]).toHaveLength(json.Workers.length)
    expect(html).not.toContain('<script')
    expect(html).toContain('&lt;script&gt;alert(&#39;pool&#39;)&lt;/script&gt; &amp; &quot;co&quot;')
    expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=/i)
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('-o from a terminal writes the table as a pipe gets it (tab-separated, unfitted), and says so on stderr', async () => {
    const tableFile = path.join(dir, 'leases.txt')
    // One fixed window for both runs, so the two reports are the same report.
    const window = ['--since', new Date(Date.now() - 3600_000).toISOString(), '--until', new Date().toISOString()]
    const onTerminal = await runCli(['leases', 'report', ...window, '-o', tableFile], {env, stdoutColumns: 60})
    expect(onTerminal.exitCode).toBe(0)
    expect(onTerminal.stdout).toBe('')
    const piped = await runCli(['leases', 'report', ...window], {env})
    expect(readFileSync(tableFile, 'utf8')).toBe(piped.stdout)
    expect(readFileSync(tableFile, 'utf8')).toMatch(/^WORKER\tPOOLS\t/m)
  })

  it('refuses -o with --json (usage, exit 2) and says why an unwritable file fails (exit 1)', async () => {
    const both = await runCli(['leases', 'report', '--since', '1h', '--json', '-o', path.join(dir, 'x.json')], {env})
    expect(both.exitCode).toBe(2)
    const missing = path.join(dir, 'no-such-dir', 'capacity.html')
    const bad = await runCli(['leases', 'report', '--since', '1h', '--format', 'html', '-o', missing], {env})
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain(`Could not write ${missing}: ENOENT.`)
  })

  it.skipIf(!chromium)('renders in headless Chromium: charts drawn, light and dark, nothing fetched', async () => {
    if (!chromium) return
    const r = await runCli(['leases', 'report', ...simulated, '--format', 'html', '-o', file], {env})
    expect(r.exitCode).toBe(0)
    mkdirSync(SHOTS, {recursive: true})
    const proxy = await failingProxy()
    try {
      const light = decodePng(await screenshot(chromium, file, path.join(SHOTS, 'capacity-light.png'), {proxy: proxy.url, profileDir: tempDir('chromium-profile')}))
      const dark = decodePng(await screenshot(chromium, file, path.join(SHOTS, 'capacity-dark.png'), {proxy: proxy.url, profileDir: tempDir('chromium-profile'), dark: true}))
      expect(pageRequests(proxy.requests)).toEqual([])
      // The proxy does see what a page fetches: a page with one remote image is caught.
      const leaky = path.join(dir, 'leaky.html')
      writeFileSync(leaky, '<!DOCTYPE html><p>x</p><img src="http://assets.example.test/logo.png">')
      await screenshot(chromium, leaky, path.join(dir, 'leaky.png'), {proxy: proxy.url, profileDir: tempDir('chromium-profile')})
      expect(pageRequests(proxy.requests)).toEqual(['GET http://assets.example.test/logo.png'])
      expect(light.width).toBe(1200)
      // Not blank: text, chart lines and shaded cells give many colours.
      expect(distinctColours(light)).toBeGreaterThan(50)
      expect(distinctColours(dark)).toBeGreaterThan(50)
      // The chart series are drawn in their colours: leases (blue), available workers (green).
      expect(pixelsNear(light, [0x09, 0x69, 0xda], 10)).toBeGreaterThan(500)
      expect(pixelsNear(light, [0x1a, 0x7f, 0x37], 10)).toBeGreaterThan(200)
      // Light page on white, dark page on the dark background.
      expect([...light.rows[5].subarray(0, 3)]).toEqual([255, 255, 255])
      expect([...dark.rows[5].subarray(0, 3)]).toEqual([0x0d, 0x11, 0x17])
    } finally {
      await proxy.close()
    }
  }, 120_000)
})
