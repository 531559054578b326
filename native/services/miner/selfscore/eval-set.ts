/**
 * Evaluation sets for the self-score: query/passage pairs. The app ships one built from its own
 * documentation (resources/selfscore/taodesk-docs.json, see build-eval-set.ts); tests and power
 * users can pass a JSONL file of `{q, p}`, `{query, passage}` or man-pages style
 * `{summary, text}` objects.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EngineError } from '../../../contract'

export interface EvalPair {
  readonly q: string
  readonly p: string
  readonly src?: string
}

export interface EvalSetFile {
  readonly name: string
  readonly description: string
  readonly license: string
  readonly pairs: readonly EvalPair[]
}

export const BUNDLED_EVAL_FILE = 'taodesk-docs.json'

/** Where the shipped set lives: TAODESK_RESOURCES, Electron's resourcesPath, or the repository's resources/. */
export function bundledEvalCandidates(): string[] {
  const out: string[] = []
  const env = process.env.TAODESK_RESOURCES?.trim()
  if (env) out.push(path.join(env, 'selfscore', BUNDLED_EVAL_FILE))
  const rp = (process as { resourcesPath?: string }).resourcesPath
  if (rp) out.push(path.join(rp, 'selfscore', BUNDLED_EVAL_FILE), path.join(rp, 'resources', 'selfscore', BUNDLED_EVAL_FILE))
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    out.push(path.join(dir, 'resources', 'selfscore', BUNDLED_EVAL_FILE))
    dir = path.dirname(dir)
  }
  return out
}

function validPair(q: unknown, p: unknown): EvalPair | undefined {
  if (typeof q !== 'string' || typeof p !== 'string') return undefined
  const qq = q.trim().replace(/^\?+|\?+$/g, '').trim()
  const pp = p.trim().slice(0, 8000)
  return qq && pp ? { q: qq, p: pp } : undefined
}

function withSource(pair: EvalPair | undefined, src: unknown): EvalPair | undefined {
  return pair && typeof src === 'string' && src ? { ...pair, src } : pair
}

export function loadBundledEvalSet(): EvalSetFile {
  for (const file of bundledEvalCandidates()) {
    if (!fs.existsSync(file)) continue
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as EvalSetFile
    // The source section stays: the validator's built-in articles are grouped by it.
    const pairs = parsed.pairs.map((x) => withSource(validPair(x.q, x.p), x.src)).filter((x): x is EvalPair => x !== undefined)
    if (pairs.length < 8) throw new EngineError('INTERNAL', `The bundled evaluation set ${file} has too few pairs. Reinstall TaoDesk.`)
    return { ...parsed, pairs }
  }
  throw new EngineError('INTERNAL', `The self-score evaluation set (${BUNDLED_EVAL_FILE}) is missing from TaoDesk's resources. Reinstall TaoDesk.`)
}

/** A JSONL file of pairs; lines that are not pairs are skipped, and too few pairs is an error. */
export function loadJsonlEvalSet(file: string, name = path.basename(file)): EvalSetFile {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new EngineError('NOT_FOUND', `Cannot read the evaluation file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`)
  }
  const pairs: EvalPair[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const o = JSON.parse(line) as Record<string, unknown>
      const pair = validPair(o.q ?? o.query ?? o.summary, o.p ?? o.passage ?? o.text)
      if (pair) pairs.push(pair)
    } catch {
      // not JSON: skipped
    }
  }
  if (pairs.length < 8) throw new EngineError('BAD_REQUEST', `${file} has ${pairs.length} usable query/passage pairs; the self-score needs at least 8 ({"q": ..., "p": ...} per line).`)
  return { name, description: `${pairs.length} pairs from ${file}`, license: 'as stated by the file', pairs }
}
