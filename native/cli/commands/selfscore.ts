/**
 * `taodesk miner selfscore`: scores installed models with the validator's InfoNCE on the bundled
 * evaluation set (or a JSONL file), side by side. Dispatched from native/cli/commands/miner.ts.
 */
import type { SelfScoreReport } from '../../contract'
import type { createEngine } from '../../host'
import type { EngineOptions } from '../../host'
import { packageVersion, resolveHome } from '../../host'
import type { CommandIo } from '../command'
import { UsageError, parseIntOption, writeJson } from '../command'
import { SelfScoreService, loadJsonlEvalSet } from '../../services/miner'

export const SELFSCORE_USAGE = `  selfscore             score installed models the way validators do (InfoNCE: how well a model picks the right
                          passage for a question out of a batch), with top-1/top-3
                          retrieval and the chance levels of all three (--json: one report object)
    --models A,B          model ids to score (default: every installed model)
    --pairs N             use at most N evaluation pairs (default: all)
    --data FILE.jsonl     your own {"q": ..., "p": ...} pairs instead of the bundled set`

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '' : `${(x * 100).toFixed(0)} %`)

function formatSelfScore(r: SelfScoreReport): string {
  const rows = r.models.map((m) => [
    `${m.modelId}${m.active ? ' *' : ''}`,
    m.ok ? m.score!.toFixed(3) : 'failed',
    m.ok ? m.loss!.toFixed(3) : '',
    m.ok ? pct(m.top1) : '',
    m.ok ? pct(m.top3) : '',
    m.textsPerSecond !== null ? m.textsPerSecond.toFixed(0) : '',
    `${m.seconds.toFixed(1)} s`,
  ])
  const head = ['model', 'score', 'loss', 'top-1', 'top-3', 'texts/s', 'time']
  const chance = r.models.find((m) => m.chanceTop1 !== null && m.chanceTop1 !== undefined)
  if (chance) rows.push(['chance level', chance.chanceScore!.toFixed(3), '', pct(chance.chanceTop1), pct(chance.chanceTop3), '', ''])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  const out = [`Self-score on ${r.dataset.name} (${r.dataset.pairs} pairs; the score's cap is 100):`, line(head), ...rows.map(line)]
  for (const m of r.models) if (!m.ok) out.push(`  ${m.modelId}: ${m.error}`)
  for (const m of r.models) {
    if (m.ok && m.nearChance) out.push(`  Warning: ${m.modelId} finds the right passage first only ${pct(m.top1)} of the time, near chance (${pct(m.chanceTop1)}): validators will score it near zero.`)
  }
  out.push('* the active model (the one the miner serves)', r.method)
  return `${out.join('\n')}\n`
}

export async function runSelfScoreCommand(values: Record<string, string | boolean | undefined>, io: CommandIo, create: (o: EngineOptions) => ReturnType<typeof createEngine>): Promise<number> {
  const maxPairs = parseIntOption(values.pairs, 'pairs', 8, 5000)
  const models = typeof values.models === 'string' ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : undefined
  if (values.models !== undefined && (!models || models.length === 0)) throw new UsageError('--models needs a comma-separated list of model ids (see `taodesk models list`)')
  const data = typeof values.data === 'string' ? values.data : undefined
  const engine = create({ home: resolveHome(io.env), version: packageVersion(), headless: true })
  try {
    // The engine restores the active model in the background: score it once it is loaded.
    const deadline = Date.now() + 5 * 60_000
    while (engine.embedding.status().state === 'loading' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const service = new SelfScoreService({
      home: engine.home,
      embedding: engine.embedding,
      log: engine.log.child('selfscore'),
      evalSet: data ? () => loadJsonlEvalSet(data) : undefined,
      onProgress: values.json ? undefined : (p) => io.stderr.write(`\r${p.modelId}: batch ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`),
    })
    const report = await service.run({ models, maxPairs, save: !data })
    if (values.json) writeJson(io, report)
    else io.stdout.write(formatSelfScore(report))
    return report.models.every((m) => m.ok) ? 0 : 1
  } finally {
    await engine.dispose()
  }
}
