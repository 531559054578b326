/**
 * Issue 17 item 3, "Done when": after three validator rounds on the practice network (its four
 * demo miners on 127.0.0.1, good / average / poor), the subnet dashboard in Chromium shows the
 * miners' score curve and a baseline (an installed local test model scored on the same texts),
 * and exports the rounds as CSV and the chart as PNG.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../scripts/make-test-models'
import { UiSession, repoRoot, screenshots } from '../support/ui-session'

const MANPAGES = path.resolve(repoRoot, '../shared/data/manpages-corpus.jsonl')
const MODEL = 'local/lexical'

describe('Subnet dashboard in Chromium (taodesk serve, practice network)', () => {
  let ui: UiSession

  beforeAll(async () => {
    ui = await UiSession.start({ viewport: { width: 1400, height: 1300 }, acceptDownloads: true })
  })

  afterAll(() => ui?.close())

  it('shows the best and median miner curve and a local baseline after three rounds, and exports CSV and PNG', async () => {
    await ui.client.call('chain.setNetwork', { network: 'devnet' })
    const lexical = ensureTestModel('lexical')
    await ui.client.call('models.import', { path: lexical.dir, name: 'lexical' })
    await ui.client.call('validator.config.update', { netuid: 5, dataSource: 'local', corpusPath: MANPAGES, sampleSize: 16, setWeights: false })

    await ui.page.goto(`${ui.serve.url}#/subnet-dashboard`)
    await ui.page.getByTestId('dashboard-empty').waitFor()
    for (let i = 0; i < 3; i++) expect(await ui.client.call('validator.runRound', {})).toMatchObject({ status: 'done' })
    await expect
      .poll(async () => (await ui.client.call('validator.dashboard', {})).rounds.filter((r) => !r.baselinesPending && r.baselines.length === 1).length, { timeout: 120_000 })
      .toBe(3)
    const { rounds } = await ui.client.call('validator.dashboard', {})
    for (const r of rounds) {
      expect(r.scoredMiners).toBe(4)
      expect(r.best).toBeGreaterThan(r.median!)
      expect(r.baselines[0]).toMatchObject({ model: MODEL, kind: 'local', error: null })
      expect(r.baselines[0].score).toBeGreaterThan(0)
    }

    // The page follows the rounds through the dashboard event: three points per line, three lines.
    const chart = ui.page.getByTestId('dashboard-chart')
    await expect.poll(() => chart.locator('.recharts-line').count(), { timeout: 30_000 }).toBe(3)
    await expect.poll(() => chart.locator('.recharts-line-dots').first().locator('circle').count()).toBe(3)
    const legend = await chart.innerText()
    expect(legend).toContain('Best miner')
    expect(legend).toContain('Median miner')
    expect(legend).toContain(`${MODEL} (local)`)
    expect(await ui.page.getByTestId('dashboard-explanation').innerText()).toMatch(/When the blue lines stay above the baselines, the subnet's models are better/)
    expect(await ui.page.getByTestId('dashboard-verdict').innerText()).toMatch(new RegExp(`^In round #${rounds[2].roundId} the (best miner|strongest baseline)`))
    expect(await ui.page.getByTestId('baseline-errors').count()).toBe(0)
    await ui.shot('subnet-dashboard.png')

    const [csv] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByTestId('dashboard-export-csv').click()])
    expect(csv.suggestedFilename()).toBe('taodesk-subnet-5-dashboard.csv')
    const lines = fs.readFileSync((await csv.path())!, 'utf8').trim().split('\n')
    expect(lines[0]).toBe(`round,block,finished_at,miners_queried,miners_scored,best_miner_score,median_miner_score,${MODEL} score,${MODEL} error`)
    expect(lines).toHaveLength(4)
    lines.slice(1).forEach((line, i) => {
      const cells = line.split(',')
      const r = rounds[i]
      expect(cells.map(Number).filter((_, k) => [0, 3, 4].includes(k))).toEqual([r.roundId, r.queried, 4])
      expect(Number(cells[5])).toBe(r.best)
      expect(Number(cells[6])).toBe(r.median)
      expect(Number(cells[7])).toBe(r.baselines[0].score)
      expect(cells[8]).toBe('')
    })

    const [png] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByTestId('dashboard-export-png').click()])
    expect(png.suggestedFilename()).toBe('taodesk-subnet-5-dashboard.png')
    const bytes = fs.readFileSync((await png.path())!)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    expect(bytes.length).toBeGreaterThan(10_000)
    fs.writeFileSync(path.join(screenshots, 'subnet-dashboard-export.png'), bytes)
  }, 300_000)
})
