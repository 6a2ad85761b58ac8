import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'
import {renderWholeTable} from '../../../src/ui/whole-table.js'
import {renderTable} from '../../../src/ui/table.js'
import {wrapItems, wrapWords} from '../../../src/ui/wrap.js'

const head = ['LEASE', 'WORKER', 'POOL', 'TASK', 'DESCRIPTION', 'TAKEN AT', 'EXCLUSIVE']
const rows = [
  ['WorkerTaskLeases-153', 'p-db-omaha-worker-01', 'Production Database Omaha Worker Pool', 'ServerTasks-1234', 'Deploy Billing release 2.4.1 to Production', '2026-12-06 07:39:04Z', false],
  ['WorkerTaskLeases-154', 'p-db-omaha-worker-02', 'Default Worker Pool', 'ServerTasks-1235', 'Run runbook Rotate certificates', '2026-12-06 07:40:11Z', false],
]
const layout = {optional: ['EXCLUSIVE'], under: ['DESCRIPTION', 'LEASE', 'POOL'], wrap: ['POOL']}

describe('renderWholeTable', () => {
  it('never cuts a cell: what does not fit is left out (optional), moved under its row, or wrapped in its column', () => {
    for (const width of [60, 80, 100, 120]) {
      const {text, dropped} = renderWholeTable(head, rows, {isTTY: true, width, ...layout})
      expect(text).not.toContain('…')
      for (const line of text.trimEnd().split('\n')) expect(stringWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width)
      for (const cell of ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'ServerTasks-1234', 'WorkerTaskLeases-154', '2026-12-06 07:40:11Z', 'Run runbook Rotate certificates']) expect(text, `${width}`).toContain(cell)
      expect(dropped).toEqual(['EXCLUSIVE'])
    }
  })

  it('moves only as many columns under the row as it must, in the order given, labelled, in head order', () => {
    const at100 = renderWholeTable(head, rows, {isTTY: true, width: 100, ...layout}).text.split('\n')
    expect(at100.slice(0, 5)).toEqual([
      'LEASE                 WORKER                POOL              TASK              TAKEN AT',
      'WorkerTaskLeases-153  p-db-omaha-worker-01  Production        ServerTasks-1234  2026-12-06 07:39:04Z',
      '                                            Database Omaha',
      '                                            Worker Pool',
      '  Description: Deploy Billing release 2.4.1 to Production',
    ])
    const at60 = renderWholeTable(head, rows, {isTTY: true, width: 60, ...layout}).text.split('\n')
    expect(at60[0]).toMatch(/^WORKER +TASK +TAKEN AT$/)
    expect(at60.slice(2, 5)).toEqual(['  Lease: WorkerTaskLeases-153', '    Pool: Production Database Omaha Worker Pool', '    Description: Deploy Billing release 2.4.1 to Production'])
  })

  it('a fill column takes the room left, between its minimum and maximum; piped, the shared plain layout with the fill at its maximum', () => {
    const fill = {minimum: 10, maximum: 30, draw: (_row: number, width: number) => '#'.repeat(width)}
    const narrow = renderWholeTable(['NAME', 'N'], [['alpha', 1]], {isTTY: true, width: 30, fill}).text.split('\n')
    expect(narrow[1]).toBe(`alpha  1  ${'#'.repeat(30 - 'alpha  1  '.length)}`)
    expect(renderWholeTable(['NAME', 'N'], [['alpha', 1]], {isTTY: true, width: 200, fill}).text.split('\n')[1]).toBe(`alpha  1  ${'#'.repeat(30)}`)
    const piped = renderWholeTable(head, rows, {isTTY: false, width: 40, ...layout, fill})
    expect(piped.text).toBe(renderTable([...head, ''], rows.map((r) => [...r, '#'.repeat(30)]), {isTTY: false}))
    expect(piped.dropped).toEqual([])
  })

  it('a fill column that leaves no room for the rest gives way first: it shrinks to its least, then headings wrap at spaces, then it is left out', () => {
    const fill = {minimum: 12, maximum: 30, least: 4, draw: (_row: number, width: number) => '#'.repeat(width)}
    const wide = ['p-web-azcus-worker-01', 3, '1m 35s']
    const headings = ['WORKER', 'PEAK CONCURRENT', 'LEASE WAIT']
    // 21 + 15 + 10 + gaps = 50: at 60 the fill has 8 cells, under its minimum of 12 but above its least.
    const shrunk = renderWholeTable(headings, [wide], {isTTY: true, width: 60, fill})
    expect(shrunk.text.split('\n').slice(0, 2)).toEqual(['WORKER                 PEAK CONCURRENT  LEASE WAIT', `p-web-azcus-worker-01  3                1m 35s      ${'#'.repeat(8)}`])
    expect(shrunk.fillWidth).toBe(8)
    // At 52 the headings wrap (widest first) to keep the fill at its least.
    const wrapped = renderWholeTable(headings, [wide], {isTTY: true, width: 52, fill})
    expect(wrapped.text.split('\n').slice(0, 3)).toEqual(['WORKER                 PEAK        LEASE WAIT', '                       CONCURRENT', `p-web-azcus-worker-01  3           1m 35s      ${'#'.repeat(5)}`])
    // At 41 even wrapped headings leave no room for 4 cells: the fill is left out, the cells whole.
    const without = renderWholeTable(headings, [wide], {isTTY: true, width: 41, fill})
    expect(without.text.split('\n').slice(0, 3)).toEqual(['WORKER                 PEAK        LEASE', '                       CONCURRENT  WAIT', 'p-web-azcus-worker-01  3           1m 35s'])
    expect(without.fillWidth).toBe(0)
    for (const line of without.text.trimEnd().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(41)
  })

  it('an unbounded width (--wide) keeps every column in its row', () => {
    const {text, dropped} = renderWholeTable(head, rows, {isTTY: true, width: Number.POSITIVE_INFINITY, ...layout})
    expect(text.split('\n')[0]).toMatch(/^LEASE +WORKER +POOL +TASK +DESCRIPTION +TAKEN AT +EXCLUSIVE$/)
    expect(dropped).toEqual([])
  })
})

describe('wrapWords and wrapItems', () => {
  it('break only at spaces; a word wider than the line stands whole on its own line', () => {
    expect(wrapWords('Idle workers (never leased, 2): alpha, beta', 20, {hang: '  '})).toEqual(['Idle workers (never', '  leased, 2): alpha,', '  beta'])
    expect(wrapWords('see https://octopus.example.test/app#/Spaces-1/infrastructure now', 20)).toEqual(['see', 'https://octopus.example.test/app#/Spaces-1/infrastructure', 'now'])
  })

  it('keep an item whole on the next line when it fits there, and its inner spacing', () => {
    expect(wrapItems(['12:00', 'Leased  ', 'worker=a', 'pool=Default Worker Pool'], 30, {hang: '    '})).toEqual(['12:00  Leased    worker=a', '    pool=Default Worker Pool'])
  })
})
