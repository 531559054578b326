/**
 * Where evaluation articles come from (spec §2.3 steps 1–2): the subnet's Hugging Face datasets
 * through the datasets-server HTTP API, or a local corpus (JSONL or a folder of text files).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Rng } from './random'

export interface Article {
  readonly text: string
  /** Where it came from: "HuggingFaceFW/fineweb/sample-100BT/train#12345" or "corpus.jsonl:17". */
  readonly ref: string
  readonly title?: string
  /** A one-line summary of the article (a man page's NAME line), when the corpus has one. */
  readonly summary?: string
}

export interface ArticleBatch {
  readonly articles: readonly Article[]
  /** e.g. "huggingface:wikimedia/wikipedia|20231101.en|train rows 41200–41299" */
  readonly description: string
}

export interface ArticleSource {
  readonly label: string
  articles(count: number, rng: Rng): Promise<ArticleBatch>
}

export interface HfDataset {
  readonly path: string
  readonly name: string
  readonly split: string
  readonly textField: string
}

/** datasets_config.json at OpenKaito HEAD. */
export const SUBNET_DATASETS: readonly HfDataset[] = [
  { path: 'HuggingFaceFW/fineweb', name: 'sample-100BT', split: 'train', textField: 'text' },
  { path: 'wikimedia/wikipedia', name: '20231101.en', split: 'train', textField: 'text' },
]

export const DATASETS_SERVER_URL = 'https://datasets-server.huggingface.co'
/** The datasets-server serves at most 100 rows per request. */
const PAGE = 100

interface RowsResponse {
  rows?: Array<{ row_idx?: number; row?: Record<string, unknown> }>
  num_rows_total?: number
  error?: string
}

/**
 * Picks one dataset at random per round, then a random page of up to 100 rows, and samples the
 * round's articles from that page (like the reference's streaming shuffle, whose buffer also
 * holds neighbouring rows).
 */
export class HfDatasetsSource implements ArticleSource {
  readonly label = 'huggingface'
  private readonly totals = new Map<string, number>()

  constructor(
    private readonly options: { baseUrl?: string; token?: string; datasets?: readonly HfDataset[]; fetchImpl?: typeof fetch; timeoutMs?: number } = {},
  ) {}

  async articles(count: number, rng: Rng): Promise<ArticleBatch> {
    const datasets = this.options.datasets ?? SUBNET_DATASETS
    if (datasets.length === 0) throw new Error('No Hugging Face datasets are configured.')
    const ds = rng.pick(datasets)
    const key = `${ds.path}|${ds.name}|${ds.split}`
    let total = this.totals.get(key)
    if (total === undefined) {
      const first = await this.rows(ds, 0, 1)
      total = first.num_rows_total ?? 0
      this.totals.set(key, total)
    }
    if (total <= 0) throw new Error(`The dataset ${key} has no rows.`)
    const length = Math.min(PAGE, total)
    const offset = rng.int(0, Math.max(0, total - length))
    const page = await this.rows(ds, offset, length)
    const candidates: Article[] = []
    for (const r of page.rows ?? []) {
      const text = r.row?.[ds.textField]
      if (typeof text === 'string' && text.trim()) candidates.push({ text, ref: `${ds.path}/${ds.name}/${ds.split}#${r.row_idx ?? '?'}` })
    }
    if (candidates.length === 0) throw new Error(`The datasets-server returned no non-empty "${ds.textField}" rows for ${key} at offset ${offset}.`)
    return { articles: rng.sample(candidates, count), description: `huggingface:${key} rows ${offset}–${offset + length - 1}` }
  }

  private async rows(ds: HfDataset, offset: number, length: number): Promise<RowsResponse> {
    const base = (this.options.baseUrl ?? DATASETS_SERVER_URL).replace(/\/+$/, '')
    const url = `${base}/rows?dataset=${encodeURIComponent(ds.path)}&config=${encodeURIComponent(ds.name)}&split=${encodeURIComponent(ds.split)}&offset=${offset}&length=${length}`
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`
    let res: Response
    try {
      res = await (this.options.fetchImpl ?? fetch)(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) })
    } catch (error) {
      throw new Error(`Could not reach the Hugging Face datasets-server at ${base} (${error instanceof Error ? error.message : String(error)}). Check the network, or use a local corpus.`)
    }
    const text = await res.text()
    let body: RowsResponse
    try {
      body = JSON.parse(text) as RowsResponse
    } catch {
      throw new Error(`The datasets-server answered HTTP ${res.status} with something that is not JSON.`)
    }
    if (!res.ok) {
      const hint = res.status === 401 || res.status === 403 ? ' The dataset may need a Hugging Face token (set one in the validator settings).' : ''
      throw new Error(`The datasets-server answered HTTP ${res.status}: ${body.error ?? text.slice(0, 200)}.${hint}`)
    }
    return body
  }
}

const MAX_FILE_BYTES = 16 * 1024 * 1024
const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.rst', '.text'])

/**
 * A local corpus: a JSONL file whose lines are objects with a "text" field (optionally "title",
 * "id", and "summary": a one-line summary the offline question maker can ask with), or a folder of text files (read recursively). Loaded once, lazily.
 */
export class LocalCorpusSource implements ArticleSource {
  readonly label: string
  private loaded: { articles: Article[]; skipped: number } | undefined

  constructor(readonly location: string) {
    this.label = `local:${path.basename(location)}`
  }

  load(): { articles: Article[]; skipped: number } {
    if (this.loaded) return this.loaded
    let stat: fs.Stats
    try {
      stat = fs.statSync(this.location)
    } catch {
      throw new Error(`The corpus ${this.location} does not exist. Choose a JSONL file or a folder of .txt/.md files.`)
    }
    const articles: Article[] = []
    let skipped = 0
    if (stat.isDirectory()) {
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
          const full = path.join(dir, entry.name)
          if (entry.isDirectory()) walk(full)
          else if (entry.isFile() && TEXT_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
            if (fs.statSync(full).size > MAX_FILE_BYTES) {
              skipped++
              continue
            }
            const text = fs.readFileSync(full, 'utf8')
            if (text.trim()) articles.push({ text, ref: path.relative(this.location, full), title: path.basename(entry.name, path.extname(entry.name)) })
            else skipped++
          }
        }
      }
      walk(this.location)
    } else {
      const name = path.basename(this.location)
      const lines = fs.readFileSync(this.location, 'utf8').split('\n')
      lines.forEach((line, i) => {
        if (!line.trim()) return
        try {
          const obj = JSON.parse(line) as { text?: unknown; title?: unknown; id?: unknown; summary?: unknown }
          if (typeof obj.text === 'string' && obj.text.trim()) {
            articles.push({
              text: obj.text,
              ref: `${name}:${i + 1}${typeof obj.id === 'string' ? ` (${obj.id})` : ''}`,
              title: typeof obj.title === 'string' ? obj.title : undefined,
              summary: typeof obj.summary === 'string' && obj.summary.trim() ? obj.summary : undefined,
            })
          } else skipped++
        } catch {
          skipped++
        }
      })
    }
    if (articles.length === 0) throw new Error(`The corpus ${this.location} has no usable documents (${skipped} skipped). JSONL lines need a "text" field; folders need .txt or .md files.`)
    this.loaded = { articles, skipped }
    return this.loaded
  }

  async articles(count: number, rng: Rng): Promise<ArticleBatch> {
    const { articles, skipped } = this.load()
    const picked = rng.sample(articles, count)
    return { articles: picked, description: `local:${this.location} (${picked.length} of ${articles.length} documents${skipped ? `, ${skipped} unusable skipped` : ''})` }
  }
}
