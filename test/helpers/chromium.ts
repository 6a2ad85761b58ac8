/**
 * Headless Chromium for tests that look at a page as a person would: a screenshot of a file, and
 * a PNG decoder (node:zlib) to tell a drawn page from a blank one.
 */
import {execFileSync, spawn} from 'node:child_process'
import {createServer, type Server} from 'node:http'
import {readFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {inflateSync} from 'node:zlib'

/** The chromium binary, or undefined when this machine has none (Debian's package: `chromium`). */
export function chromiumPath(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'}).trim() || undefined
    } catch {
      // not this one
    }
  }
  return undefined
}

/**
 * A proxy that answers every request with 502 and counts them: Chromium is pointed at it (loopback
 * included), so any fetch the page makes is counted and fails.
 */
export async function failingProxy(): Promise<{url: string; requests: string[]; close: () => Promise<void>}> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    res.writeHead(502).end()
  })
  server.on('connect', (req, socket) => {
    requests.push(`CONNECT ${req.url}`)
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

/** Screenshots a local file; resolves with the PNG's bytes. */
export async function screenshot(chromium: string, file: string, png: string, opts: {proxy: string; profileDir: string; width?: number; height?: number; dark?: boolean}): Promise<Buffer> {
  const args = [
    '--headless', '--disable-gpu', '--no-sandbox', '--hide-scrollbars', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
    `--user-data-dir=${opts.profileDir}`,
    `--proxy-server=${opts.proxy}`, '--proxy-bypass-list=<-loopback>',
    ...(opts.dark ? ['--force-dark-mode', '--blink-settings=preferredColorScheme=0'] : []),
    `--screenshot=${png}`, `--window-size=${opts.width ?? 1200},${opts.height ?? 2000}`,
    `file://${file}`,
  ]
  await new Promise<void>((resolve, reject) => {
    const child = spawn(chromium, args, {stdio: ['ignore', 'ignore', 'pipe']})
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`chromium exited ${code}: ${err.slice(-2000)}`))))
  })
  return readFileSync(png)
}

export interface DecodedPng {
  width: number
  height: number
  /** Bytes per pixel (3: RGB, 4: RGBA). */
  channels: number
  /** Unfiltered pixel rows, `width * channels` bytes each. */
  rows: Buffer[]
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). */
export function decodePng(png: Buffer): DecodedPng {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG')
  let offset = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      const [depth, colour, , , interlace] = data.subarray(8, 13)
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`)
      channels = colour === 6 ? 4 : 3
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const rows: Buffer[] = []
  let previous = Buffer.alloc(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)))
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0
      const b = previous[x]
      const c = x >= channels ? previous[x - channels] : 0
      let add = 0
      if (filter === 1) add = a
      else if (filter === 2) add = b
      else if (filter === 3) add = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      line[x] = (line[x] + add) & 0xff
    }
    rows.push(line)
    previous = line
  }
  return {width, height, channels, rows}
}

/** How many distinct colours the image has (a blank page has one). */
export function distinctColours(image: DecodedPng): number {
  const seen = new Set<number>()
  for (const row of image.rows) {
    for (let x = 0; x < row.length; x += image.channels) seen.add((row[x] << 16) | (row[x + 1] << 8) | row[x + 2])
  }
  return seen.size
}

/** How many pixels are of a colour near `rgb` (each channel within `tolerance`). */
export function pixelsNear(image: DecodedPng, rgb: [number, number, number], tolerance = 24): number {
  let count = 0
  for (const row of image.rows) {
    for (let x = 0; x < row.length; x += image.channels) {
      if (Math.abs(row[x] - rgb[0]) <= tolerance && Math.abs(row[x + 1] - rgb[1]) <= tolerance && Math.abs(row[x + 2] - rgb[2]) <= tolerance) count++
    }
  }
  return count
}
