/**
 * Measures the offline question makers on the man-pages corpus, as validator rounds: for each
 * maker the same seeded rounds (same articles, same chunks) are built, and the script reports
 *  - how much the questions give their passages away: mean content-word overlap, the share of
 *    questions fully contained in their passage, bare word lists, verbatim copies;
 *  - how a lexical model (IDF-weighted token vectors, scripts/make-test-models.ts) and a random
 *    model (random BERT weights) rank on the batches: the validator's score, top-1 and top-3, with
 *    the chance levels of those batches.
 * A maker is good when the lexical model does not find everything by word matching while the
 * random model stays at chance. The README's table comes from this output.
 *
 *   npx tsx scripts/measure-questions.ts [--rounds N] [--corpus FILE.jsonl] [--json]
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Embedder } from '../native/services/embedding'
import { LocalCorpusSource, Rng, buildRoundData, offlineQuestionMaker, questionQuality } from '../native/protocols/text-embedding/data'
import type { OfflineQuestionKind, QuestionQuality, RoundData } from '../native/protocols/text-embedding/data'
import { scoreMatrix } from '../native/protocols/text-embedding/scoring'
import { SHARED_DIR, ensureTestModel } from './make-test-models'
import type { TestModelName } from './make-test-models'

const KINDS: readonly OfflineQuestionKind[] = ['keywords', 'cloze', 'summary', 'mixed']
const MODELS: readonly TestModelName[] = ['lexical', 'tiny']

export interface Ranking {
  readonly score: number
  readonly top1: number
  readonly top3: number
}

export interface MakerMeasurement {
  readonly kind: OfflineQuestionKind
  readonly label: string
  readonly rounds: number
  readonly droppedShare: number
  readonly quality: QuestionQuality
  readonly models: Record<string, Ranking>
  /** Chance levels of these batches: mean 1/P, 3/P and 1/ln P. */
  readonly chance: Ranking
}

type Embed = (texts: readonly string[]) => Promise<{ vectors: Float32Array[]; dim: number }>

function rank(round: RoundData, vectors: Float32Array[], dim: number): Ranking {
  const data = new Float32Array(vectors.length * dim)
  vectors.forEach((v, i) => data.set(v, i * dim))
  const r = scoreMatrix({ rows: vectors.length, dim, data }, { textCount: round.texts.length, dimensions: dim, normalized: true, qIdx: round.qIdx, aIdx: round.aIdx })
  return { score: r.score, top1: r.top1, top3: r.top3 }
}

const mean = (xs: readonly Ranking[]): Ranking => ({
  score: xs.reduce((a, x) => a + x.score, 0) / xs.length,
  top1: xs.reduce((a, x) => a + x.top1, 0) / xs.length,
  top3: xs.reduce((a, x) => a + x.top3, 0) / xs.length,
})

export async function measureMakers(corpus: string, rounds: number, embedders: Record<string, Embed>): Promise<MakerMeasurement[]> {
  const source = new LocalCorpusSource(corpus)
  const out: MakerMeasurement[] = []
  for (const kind of KINDS) {
    const maker = offlineQuestionMaker(kind)
    const built: RoundData[] = []
    for (let seed = 1; seed <= rounds; seed++) built.push(await buildRoundData(source, maker, new Rng(seed)))
    const pairs = built.flatMap((r) => r.pairs)
    const chunks = built.reduce((a, r) => a + r.provenance.chunks, 0)
    const models: Record<string, Ranking> = {}
    for (const [name, embed] of Object.entries(embedders)) {
      const per: Ranking[] = []
      for (const r of built) {
        const { vectors, dim } = await embed(r.texts)
        per.push(rank(r, vectors, dim))
      }
      models[name] = mean(per)
    }
    const chance = mean(built.map((r) => ({ score: 1 / Math.log(r.pairs.length), top1: 1 / r.pairs.length, top3: Math.min(1, 3 / r.pairs.length) })))
    out.push({ kind, label: maker.label, rounds, droppedShare: 1 - pairs.length / chunks, quality: questionQuality(pairs), models, chance })
  }
  return out
}

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`

export function markdownTable(rows: readonly MakerMeasurement[]): string {
  const head = '| questions | overlap (mean) | fully contained | word lists | dropped chunks | lexical model: score / top-1 / top-3 | random model: score / top-1 / top-3 | chance: score / top-1 / top-3 |'
  const sep = '|---|---|---|---|---|---|---|---|'
  const cell = (r: Ranking): string => `${r.score.toFixed(2)} / ${pct(r.top1)} / ${pct(r.top3)}`
  const lines = rows.map((r) => `| ${r.kind} (\`${r.label}\`) | ${pct(r.quality.meanOverlap)} | ${pct(r.quality.containedShare)} | ${pct(r.quality.wordListShare)} | ${pct(r.droppedShare)} | ${cell(r.models.lexical!)} | ${cell(r.models.random!)} | ${cell(r.chance)} |`)
  return [head, sep, ...lines].join('\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : undefined
  }
  const rounds = Number(opt('--rounds') ?? 40)
  const corpus = path.resolve(opt('--corpus') ?? path.join(SHARED_DIR, 'data', 'manpages-corpus.jsonl'))
  const loaded: Embedder[] = []
  const embedders: Record<string, Embed> = {}
  for (const name of MODELS) {
    const m = ensureTestModel(name)
    const e = await Embedder.load({ onnxFile: m.onnxFile, tokenizerFile: m.tokenizerFile, pooling: m.pooling, maxLength: 512, workers: 1, intraOpThreads: 1 })
    loaded.push(e)
    embedders[name === 'tiny' ? 'random' : name] = async (texts) => {
      const r = await e.embed(texts)
      return { vectors: r.vectors, dim: r.dimension }
    }
  }
  try {
    const rows = await measureMakers(corpus, rounds, embedders)
    if (args.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`)
    else process.stdout.write(`${rounds} validator rounds per maker on ${path.basename(corpus)} (seeds 1–${rounds}; the same articles and chunks for every maker)\n\n${markdownTable(rows)}\n`)
  } finally {
    for (const e of loaded) await e.dispose()
  }
}
