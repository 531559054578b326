/**
 * The validator's evaluation articles when nothing may leave the machine (the practice network) or
 * the Hugging Face datasets-server cannot be reached: TaoDesk's own documentation, shipped with the
 * app (the self-score set's passages, regrouped into one article per documentation section, with
 * the section heading as the one-line summary the offline questions can ask with).
 */
import type { ValidatorConfig } from '../../contract/validator'
import type { NetworkId } from '../../contract/chain'
import type { Article, ArticleBatch, ArticleSource, Rng } from '../../protocols/text-embedding/data'
import { loadBundledEvalSet } from '../miner'
import type { EvalPair } from '../miner'

export class BuiltinArticleSource implements ArticleSource {
  readonly label = 'builtin:taodesk-docs'
  private loaded: Article[] | undefined

  constructor(private readonly pairs: () => readonly EvalPair[] = () => loadBundledEvalSet().pairs) {}

  async articles(count: number, rng: Rng): Promise<ArticleBatch> {
    const all = (this.loaded ??= articlesOf(this.pairs()))
    const picked = rng.sample(all, count)
    return { articles: picked, description: `builtin: TaoDesk's documentation (${picked.length} of ${all.length} sections)` }
  }
}

/** One article per documentation section ("README.md#Quick start"), its passages in order. */
export function articlesOf(pairs: readonly EvalPair[]): Article[] {
  const sections = new Map<string, string[]>()
  pairs.forEach((p, i) => {
    const key = p.src ?? `pair ${i + 1}`
    const texts = sections.get(key) ?? []
    // A sentence query is the paragraph's own first sentence (a heading or a term is not).
    texts.push(/[.!?]$/.test(p.q) ? `${p.q} ${p.p}` : p.p)
    sections.set(key, texts)
  })
  return [...sections].map(([ref, texts]) => {
    const heading = ref.includes('#') ? ref.slice(ref.indexOf('#') + 1) : undefined
    return { text: texts.join(' '), ref, title: heading, summary: heading }
  })
}

/** Which articles a round uses: "auto" means the built-in ones on the practice network (nothing may leave the machine), the subnet's datasets elsewhere. */
export function effectiveDataSource(dataSource: ValidatorConfig['dataSource'], network: NetworkId | undefined): Exclude<ValidatorConfig['dataSource'], 'auto'> {
  if (dataSource !== 'auto') return dataSource
  return network === 'devnet' ? 'builtin' : 'huggingface'
}
