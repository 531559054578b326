/**
 * Builds the self-score evaluation set shipped in resources/selfscore/ from TaoDesk's own
 * documentation (README.md and the project's specification notes, written for this project),
 * so it can be redistributed with the app. Four kinds of query/passage pairs:
 *  - a section heading and the start of its section,
 *  - a bold bullet term ("**Active.**") and its explanation,
 *  - a bullet's lead ("`epoch_length` — …", "Scoring rigidity: …") and the rest of the bullet,
 *  - the first sentence of a paragraph or bullet and the rest of it (the inverse-cloze task used
 *    to pre-train retrievers), which reads like the validator's question/chunk pairs.
 * A paragraph of 8 or more sentences gives two pairs from its two halves; otherwise one pair per
 * paragraph at most: two pairs cut from the same sentences would have near-identical passages,
 * one of them containing the other's query.
 *
 *   npx tsx native/services/miner/selfscore/build-eval-set.ts README.md bench/RESULTS.md ../shared/spec/*.md
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { splitSentences } from '../../../protocols/text-embedding/data/chunking'
import type { EvalPair, EvalSetFile } from './eval-set'

const MAX_PASSAGE = 1200
/** Shortest paragraph that makes a first-sentence/rest pair. */
const MIN_PARAGRAPH = 110

function clean(md: string): string {
  return md
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^\s*[-*]\s+/gm, '')
    .replace(/^\s*\d+\.\s+/gm, '')
    .replace(/\s+/g, ' ')
    .trim()
}

function cut(text: string): string {
  if (text.length <= MAX_PASSAGE) return text
  const s = text.slice(0, MAX_PASSAGE)
  const end = s.lastIndexOf('. ')
  return end > MAX_PASSAGE / 2 ? s.slice(0, end + 1) : s
}

function headingQuery(h: string): string {
  return clean(h.replace(/^#+\s*/, '').replace(/^[\d.]+\s+/, '').replace(/\(`[^`]*`\)/g, ''))
}

/** A long paragraph (8+ sentences) as two halves that share no sentence; a shorter one whole. */
function halves(sentences: readonly string[]): string[][] {
  if (sentences.length < 8) return [[...sentences]]
  const mid = Math.ceil(sentences.length / 2)
  return [sentences.slice(0, mid), sentences.slice(mid)]
}

export function pairsFromMarkdown(md: string, source: string): EvalPair[] {
  const noCode = md.replace(/```[\s\S]*?```/g, '\n').replace(/^\|.*\|\s*$/gm, '').replace(/^-{3,}\s*$/gm, '')
  const out: EvalPair[] = []
  const sections = noCode.split(/^(?=#{1,4} )/m)
  for (const sec of sections) {
    const [first, ...rest] = sec.split('\n')
    const isHeading = /^#{1,4} /.test(first ?? '')
    const body = isHeading ? rest.join('\n') : sec
    const heading = isHeading ? headingQuery(first!) : ''
    const bodyText = clean(body)
    if (heading && bodyText.length >= 120) out.push({ q: heading, p: cut(bodyText), src: `${source}#${heading}` })
    // Paragraphs and bullets (a bullet's continuation lines belong to it).
    const blocks = body.split(/\n\s*\n|\n(?=\s*[-*] |\s*\d+\. )/)
    for (const block of blocks) {
      const bold = /^\s*[-*]?\s*\*\*([^*]{3,80}?)[.:]?\*\*[.:]?\s+([\s\S]+)$/.exec(block)
      if (bold) {
        const term = clean(bold[1]!)
        const expl = clean(bold[2]!)
        if (expl.length >= 60) out.push({ q: heading ? `${term} (${heading})` : term, p: cut(expl), src: `${source}#${heading}` })
        continue
      }
      const lead = /^\s*(?:[-*]|\d+\.)\s+([^.:—]{3,80}?)\s*(?:—|:| - )\s+([\s\S]+)$/.exec(block)
      if (lead && clean(lead[2]!).length >= 60 && !/[([/]/.test(lead[1]!)) {
        out.push({ q: clean(lead[1]!), p: cut(clean(lead[2]!)), src: `${source}#${heading}` })
        continue
      }
      const text = clean(block)
      if (text.length < MIN_PARAGRAPH) continue
      for (const part of halves(splitSentences(text))) {
        const q = part[0]!
        if (part.length < 2 || q.length < 25 || q.length > 300) continue
        const passage = cut(part.slice(1).join(' '))
        if (passage.length >= 50) out.push({ q, p: passage, src: `${source}#${heading}` })
      }
    }
  }
  return out
}

export function buildEvalSet(files: readonly string[]): EvalSetFile {
  const pairs: EvalPair[] = []
  const seenQ = new Set<string>()
  const seenP = new Set<string>()
  for (const file of files) {
    for (const pair of pairsFromMarkdown(fs.readFileSync(file, 'utf8'), path.basename(file))) {
      const qk = pair.q.toLowerCase()
      const pk = pair.p.toLowerCase()
      if (seenQ.has(qk) || seenP.has(pk) || pair.q.length < 3) continue
      seenQ.add(qk)
      seenP.add(pk)
      pairs.push(pair)
    }
  }
  return {
    name: 'taodesk-docs',
    description: `${pairs.length} query/passage pairs from TaoDesk's own documentation (README, benchmark notes and specification notes): headings and their sections, terms and their explanations, first sentences and the rest of their paragraphs.`,
    license: "TaoDesk's own documentation, distributed with the app under the app's licence.",
    pairs,
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2)
  if (files.length === 0) throw new Error('usage: build-eval-set.ts FILE.md...')
  const set = buildEvalSet(files)
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../resources/selfscore/taodesk-docs.json')
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, `${JSON.stringify(set, null, 1)}\n`)
  process.stdout.write(`${set.pairs.length} pairs -> ${out}\n`)
}
