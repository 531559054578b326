import type { WordPieceTokenizer } from '../tokenizer/wordpiece'

/**
 * English sample text for the in-app benchmark: SN5-like batches are half short questions
 * (10–30 tokens) and half passages (30–300 tokens, log-uniform), so the estimate for a
 * 512-text validator request reflects real padding and length spread.
 */
const PASSAGE =
  'The river rises in the northern hills and flows south through farmland, small towns and two large reservoirs before it reaches the sea. ' +
  'Engineers built the first dam in 1932 to control spring floods; a second, larger dam followed in 1961 and now supplies drinking water and electricity to about a million people. ' +
  'Critics argue that the dams changed the river ecosystem, blocking migrating fish and trapping sediment that once rebuilt the delta. ' +
  'In recent years the regional authority has opened fish ladders, released controlled floods and paid farmers to restore wetlands along the lower valley. ' +
  'Scientists measuring water quality report fewer algae blooms, but warn that warmer summers and lower snowfall will reduce the flow the reservoirs depend on. ' +
  'Local historians note that the valley was settled by traders who used the river to carry timber, grain and wool to the coast long before the railway arrived. '

export function sampleTexts(tokenizer: WordPieceTokenizer, count: number, seed = 7): { texts: string[]; tokens: number } {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const words = PASSAGE.repeat(3).split(' ').filter(Boolean)
  const texts: string[] = []
  let tokens = 0
  for (let i = 0; i < count; i++) {
    const target = i % 2 === 0 ? 10 + Math.floor(next() * 21) : Math.round(30 * Math.pow(10, next()))
    const start = Math.floor(next() * (words.length / 3))
    // The most words whose token count (with [CLS]/[SEP]) fits the target.
    let lo = 1
    let hi = Math.min(400, words.length - start)
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (tokenizer.tokenize(words.slice(start, start + mid).join(' ')).length + 2 <= target) lo = mid
      else hi = mid - 1
    }
    const text = words.slice(start, start + lo).join(' ')
    tokens += tokenizer.tokenize(text).length + 2
    texts.push(text)
  }
  return { texts, tokens }
}
