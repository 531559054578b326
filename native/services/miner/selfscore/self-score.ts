/**
 * Self-score: how the subnet's validators would rate a model, measured locally. The evaluation
 * pairs are cut into validator-sized batches; each batch is shuffled into one text list exactly
 * like a validator round (questions and passages interleaved by a random permutation, §2.3 step
 * 6), embedded at 1024 dimensions, and scored with the validator's own InfoNCE code (§2.4,
 * native/validator/scoring). The model's score is the mean over batches.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Handlers, SelfScoreModel, SelfScoreReport } from '../../../contract'
import { EngineError } from '../../../contract'
import type { EmbeddingService } from '../../embedding'
import { Embedder } from '../../embedding'
import type { Logger } from '../../../platform/logging'
import { Rng } from '../../../protocols/text-embedding/data/random'
import { scoreMatrix } from '../../../protocols/text-embedding/scoring/infonce'
import type { EvalPair, EvalSetFile } from './eval-set'
import { loadBundledEvalSet } from './eval-set'

export const SELF_SCORE_DIMENSIONS = 1024
/** Pairs per batch: a mid-sized validator round (8–32 articles, 1–4 pairs each). */
export const SELF_SCORE_BATCH = 32
const SEED = 5

export interface SelfScoreOptions {
  readonly home: string
  readonly embedding: EmbeddingService
  readonly log: Logger
  readonly onProgress?: (p: { modelId: string; done: number; total: number }) => void
  /** The evaluation set (default: the bundled one). */
  readonly evalSet?: () => EvalSetFile
  readonly batchPairs?: number
}

interface Batch {
  readonly texts: string[]
  readonly qIdx: number[]
  readonly aIdx: number[]
}

/**
 * Validator-shaped batches: a fixed shuffle of the pairs split into batches of about
 * `batchPairs` (sizes differ by at most one, so no batch is left with few negatives), each
 * interleaved by its own random permutation.
 */
export function makeBatches(pairs: readonly EvalPair[], batchPairs: number, seed = SEED): Batch[] {
  if (pairs.length < 2) return []
  const rng = new Rng(seed)
  const order = rng.permutation(pairs.length).map((i) => pairs[i]!)
  const count = Math.max(1, Math.round(order.length / batchPairs))
  const out: Batch[] = []
  for (let b = 0, start = 0; b < count; b++) {
    const size = Math.floor(order.length / count) + (b < order.length % count ? 1 : 0)
    const chunk = order.slice(start, start + size)
    start += size
    const perm = rng.permutation(chunk.length * 2)
    const texts = new Array<string>(chunk.length * 2)
    const qIdx: number[] = []
    const aIdx: number[] = []
    chunk.forEach((pair, i) => {
      qIdx.push(perm[2 * i]!)
      aIdx.push(perm[2 * i + 1]!)
      texts[perm[2 * i]!] = pair.q
      texts[perm[2 * i + 1]!] = pair.p
    })
    out.push({ texts, qIdx, aIdx })
  }
  return out
}

type EmbedFn = (texts: readonly string[]) => Promise<Float32Array[]>

export class SelfScoreService {
  private running: Promise<SelfScoreReport> | undefined
  private last: SelfScoreReport | null | undefined
  private readonly file: string

  constructor(private readonly o: SelfScoreOptions) {
    this.file = path.join(o.home, 'selfscore.json')
  }

  get busy(): boolean {
    return this.running !== undefined
  }

  lastReport(): SelfScoreReport | null {
    if (this.last === undefined) {
      try {
        this.last = JSON.parse(fs.readFileSync(this.file, 'utf8')) as SelfScoreReport
      } catch {
        this.last = null
      }
    }
    return this.last
  }

  /** Scores the given installed models (default: all installed), one at a time. */
  run(p: { models?: readonly string[]; maxPairs?: number; save?: boolean } = {}): Promise<SelfScoreReport> {
    if (this.running) throw new EngineError('BUSY', 'A self-score is already running; wait for it to finish.')
    const job = this.doRun(p).finally(() => {
      this.running = undefined
    })
    this.running = job
    return job
  }

  private async doRun(p: { models?: readonly string[]; maxPairs?: number; save?: boolean }): Promise<SelfScoreReport> {
    const set = (this.o.evalSet ?? loadBundledEvalSet)()
    const installed = this.o.embedding.models.installed().map((m) => m.id)
    const ids = p.models && p.models.length > 0 ? [...new Set(p.models)] : installed
    if (ids.length === 0) throw new EngineError('NOT_FOUND', 'No embedding model is installed. Download one on the Models page (or `taodesk models download ID`), then score it.')
    const unknown = ids.filter((id) => !installed.includes(id))
    if (unknown.length > 0) throw new EngineError('NOT_FOUND', `Not installed: ${unknown.join(', ')}. Installed models: ${installed.join(', ') || 'none'}.`)
    const pairs = p.maxPairs ? new Rng(SEED + 1).sample(set.pairs, Math.min(p.maxPairs, set.pairs.length)) : set.pairs
    const batches = makeBatches(pairs, this.o.batchPairs ?? SELF_SCORE_BATCH)
    const active = this.o.embedding.models.active()
    const models: SelfScoreModel[] = []
    for (const id of ids) models.push(await this.scoreModel(id, id === active, batches))
    const report: SelfScoreReport = {
      time: Date.now(),
      dataset: { name: set.name, description: set.description, pairs: batches.reduce((a, b) => a + b.qIdx.length, 0), license: set.license },
      method: `${batches.length} batches of about ${this.o.batchPairs ?? SELF_SCORE_BATCH} query/passage pairs, texts shuffled as in a validator round, ${SELF_SCORE_DIMENSIONS} dimensions, L2-normalized, InfoNCE with temperature 0.1, score = min(100, 1/loss) averaged over batches (the validator's scoring code). Top-1/top-3: how often the right passage is the most similar one / among the 3 most similar; near chance = top-1 under ${NEAR_CHANCE_FACTOR} × its chance level.`,
      models,
    }
    if (p.save !== false) {
      this.last = report
      try {
        fs.mkdirSync(this.o.home, { recursive: true })
        fs.writeFileSync(this.file, JSON.stringify(report))
      } catch (error) {
        this.o.log.warn('Could not save the self-score report', { error: String(error) })
      }
    }
    this.o.log.info('Self-score finished', { models: models.map((m) => `${m.modelId}=${m.score === null ? 'failed' : m.score.toFixed(3)}`).join(' '), pairs: report.dataset.pairs })
    return report
  }

  /** The active model through the embedding service (no second copy in memory); others are loaded for the run and unloaded. */
  private async embedderFor(id: string, active: boolean): Promise<{ embed: EmbedFn; dimension: number | null; dispose(): Promise<void> }> {
    const e = this.o.embedding
    if (active && e.status().state === 'ready' && e.status().modelId === id) {
      return {
        embed: async (texts) => (await e.embed(texts, { dimensions: SELF_SCORE_DIMENSIONS })).vectors,
        dimension: e.status().dimension,
        dispose: () => Promise.resolve(),
      }
    }
    const m = e.models.manifest(id)
    if (!m) throw new EngineError('NOT_FOUND', `${id} is not installed.`)
    const check = await e.models.verify(id)
    if (!check.ok) throw new EngineError('MODEL_INVALID', `${id} failed verification: ${check.problems.join(' ')}`)
    const loaded = await Embedder.load({
      ...e.embedderOptions(m, e.providerPreference()),
      // One worker: the active model may be serving validators at the same time.
      workers: 1,
    })
    return {
      embed: async (texts) => (await loaded.embed(texts, { dimensions: SELF_SCORE_DIMENSIONS })).vectors,
      dimension: loaded.dimension,
      dispose: () => loaded.dispose(),
    }
  }

  private async scoreModel(id: string, active: boolean, batches: readonly Batch[]): Promise<SelfScoreModel> {
    const t0 = performance.now()
    const empty = { modelId: id, active, batches: 0, pairs: 0, score: null, loss: null, top1: null, top3: null, textsPerSecond: null, ...chanceLevels(batches), nearChance: null }
    let handle: Awaited<ReturnType<SelfScoreService['embedderFor']>>
    try {
      handle = await this.embedderFor(id, active)
    } catch (error) {
      return { ...empty, ok: false, seconds: (performance.now() - t0) / 1000, dimension: null, error: error instanceof Error ? error.message : String(error) }
    }
    let score = 0
    let loss = 0
    let top1 = 0
    let top3 = 0
    let pairs = 0
    let texts = 0
    let inferMs = 0
    try {
      for (let b = 0; b < batches.length; b++) {
        const batch = batches[b]!
        const s0 = performance.now()
        const vectors = await handle.embed(batch.texts)
        inferMs += performance.now() - s0
        texts += batch.texts.length
        const data = new Float32Array(vectors.length * SELF_SCORE_DIMENSIONS)
        vectors.forEach((v, i) => data.set(v.subarray(0, SELF_SCORE_DIMENSIONS), i * SELF_SCORE_DIMENSIONS))
        const r = scoreMatrix({ rows: vectors.length, dim: SELF_SCORE_DIMENSIONS, data }, { textCount: batch.texts.length, dimensions: SELF_SCORE_DIMENSIONS, normalized: true, qIdx: batch.qIdx, aIdx: batch.aIdx })
        score += r.score
        loss += Number.isFinite(r.loss) ? r.loss : 0
        top1 += r.top1
        top3 += r.top3
        pairs += batch.qIdx.length
        this.o.onProgress?.({ modelId: id, done: b + 1, total: batches.length })
      }
    } catch (error) {
      await handle.dispose().catch(() => undefined)
      return { ...empty, ok: false, seconds: (performance.now() - t0) / 1000, dimension: handle.dimension, error: error instanceof Error ? error.message : String(error) }
    }
    await handle.dispose().catch(() => undefined)
    const n = batches.length
    const chance = chanceLevels(batches)
    return {
      ...chance,
      nearChance: nearChance(top1 / n, chance.chanceTop1),
      modelId: id,
      active,
      ok: true,
      score: score / n,
      loss: loss / n,
      top1: top1 / n,
      top3: top3 / n,
      batches: n,
      pairs,
      seconds: (performance.now() - t0) / 1000,
      textsPerSecond: inferMs > 0 ? texts / (inferMs / 1000) : null,
      dimension: handle.dimension,
      error: null,
    }
  }
}

/** Chance level of the validator's score for P pairs per batch (uniform similarities: loss = ln P). */
export function chanceScore(pairsPerBatch: number): number {
  return 1 / Math.log(Math.max(2, pairsPerBatch))
}

/** Chance levels of score, top-1 and top-3 on these batches, averaged like the model's own numbers. */
export function chanceLevels(batches: ReadonlyArray<{ readonly qIdx: readonly number[] }>): { chanceScore: number | null; chanceTop1: number | null; chanceTop3: number | null } {
  if (batches.length === 0) return { chanceScore: null, chanceTop1: null, chanceTop3: null }
  const mean = (f: (p: number) => number): number => batches.reduce((a, b) => a + f(b.qIdx.length), 0) / batches.length
  return { chanceScore: mean(chanceScore), chanceTop1: mean((p) => 1 / p), chanceTop3: mean((p) => Math.min(1, 3 / p)) }
}

/**
 * How far above chance retrieval must be to say something: the score alone does not tell (at
 * temperature 0.1 it depends on how spread the similarities are, so a model that finds the right
 * passage 9 times in 10 can score under twice the chance score). Top-1 under 3 × its chance level
 * (under 9 % with 32 pairs per batch) means the model barely tells passages apart.
 */
export const NEAR_CHANCE_FACTOR = 3

export function nearChance(top1: number, chanceTop1: number | null): boolean {
  return chanceTop1 !== null && top1 < NEAR_CHANCE_FACTOR * chanceTop1
}

export function selfScoreHandlers(service: SelfScoreService): Pick<Handlers, 'miner.selfScore' | 'miner.lastSelfScore'> {
  return {
    'miner.selfScore': ({ models, maxPairs }) => service.run({ models, maxPairs }),
    'miner.lastSelfScore': () => service.lastReport(),
  }
}

/** What the miner's start-up check learns about the serving model. */
export interface ActiveModelCheck {
  readonly modelId: string
  readonly score: number
  readonly chance: number
  readonly top1: number
  readonly chanceTop1: number
  readonly nearChance: boolean
}

/** The quick check the miner runs when it starts: the active model on 128 pairs (4 batches). */
export function activeModelCheck(service: SelfScoreService, embedding: EmbeddingService): () => Promise<ActiveModelCheck | undefined> {
  return async () => {
    const id = embedding.models.active()
    if (!id || service.busy) return undefined
    const report = await service.run({ models: [id], maxPairs: 4 * SELF_SCORE_BATCH, save: false })
    const m = report.models[0]
    if (!m?.ok || m.score === null || m.top1 === null) return undefined
    const chanceTop1 = m.chanceTop1 ?? 1 / SELF_SCORE_BATCH
    return { modelId: id, score: m.score, chance: m.chanceScore ?? chanceScore(SELF_SCORE_BATCH), top1: m.top1, chanceTop1, nearChance: nearChance(m.top1, chanceTop1) }
  }
}
