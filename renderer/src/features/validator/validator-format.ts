/** Plain-text helpers for the Validator page (no React), unit-tested in validator-format.test.ts. */
import type { LeaderboardEntry, ValidatorRound, WeightRecord } from '../../../../native/contract'

/** "just now", "42 s ago", "12 min ago", "3 h ago", "2 d ago". */
export function ago(t: number | null, now = Date.now()): string {
  if (t === null) return 'never'
  const s = Math.max(0, Math.round((now - t) / 1000))
  if (s < 5) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86_400)} d ago`
}

/** 5FHsM8ywif…5q3Lc8G */
export function shortHotkey(hotkey: string): string {
  return hotkey.length > 16 ? `${hotkey.slice(0, 8)}…${hotkey.slice(-6)}` : hotkey
}

export type Tone = 'green' | 'red' | 'orange' | 'gray' | 'blue'

/**
 * What the miner's last answer was, in one word; `reason` says why it was not a valid answer in
 * words shown in the row itself (not only in a drawer or the log); `detail` is the full message.
 */
export function answerStatus(status: number, message: string): { label: string; color: Tone; detail: string; reason: string } {
  const text = message.trim().replace(/\.+$/, '')
  if (status === 200 && /^Invalid answer/.test(message)) return { label: 'Invalid', color: 'orange', detail: message, reason: text.replace(/^Invalid answer:\s*/, '') }
  if (status === 200) return { label: 'OK', color: 'green', detail: 'Answered with a valid embedding', reason: '' }
  if (status === 408) return { label: 'Timeout', color: 'red', detail: message, reason: text || 'No answer in time' }
  if (status === 503) return { label: 'Unreachable', color: 'red', detail: message, reason: text || 'Nothing answers at its published address' }
  if (status === 422) return { label: 'Bad reply', color: 'orange', detail: message, reason: text || 'The answer could not be read' }
  if (status === 401 || status === 403) {
    return { label: 'Refused', color: 'orange', detail: `HTTP ${status}: ${message}`, reason: /^(forbidden|unauthorized)?$/i.test(text) ? 'The miner refused this validator (no reason given)' : text }
  }
  if (status === 404) return { label: 'Not found', color: 'red', detail: message, reason: 'Something answers at its address, but not an embedding miner (HTTP 404)' }
  return { label: `HTTP ${status}`, color: 'red', detail: message, reason: text || `HTTP ${status}` }
}

export function entryStatus(e: LeaderboardEntry): ReturnType<typeof answerStatus> {
  return answerStatus(e.lastStatus, e.lastMessage)
}

/** Digits find uids (by prefix); anything else finds hotkeys containing it (SS58 is case-sensitive). */
export function filterLeaderboard(rows: readonly LeaderboardEntry[], query: string): readonly LeaderboardEntry[] {
  const q = query.trim()
  if (!q) return rows
  if (/^\d+$/.test(q)) return rows.filter((r) => String(r.uid).startsWith(q))
  return rows.filter((r) => r.hotkey.includes(q))
}

/** Where a round's evaluation data came from, as a label and the details. */
export function roundData(r: ValidatorRound): { label: string; detail: string; questions: string } {
  let label = r.source || 'unknown'
  let detail = r.description
  if (r.source === 'huggingface' || r.description.startsWith('huggingface:')) {
    label = 'Hugging Face'
    const m = /^huggingface:([^|]+)\|([^|]*)\|(\S+)(?:\s+rows\s+(.+))?$/.exec(r.description)
    detail = m ? `${m[1]} · ${m[2]} · ${m[3]}${m[4] ? ` · rows ${m[4]}` : ''}` : r.description.replace(/^huggingface:/, '')
  } else if (r.source.startsWith('local:')) {
    label = 'Local corpus'
    detail = r.description.replace(/^local:/, '')
  }
  let questions = r.questionMaker
  const llm = /^llm:(.+)@(.+)$/.exec(r.questionMaker)
  if (llm) questions = `${llm[1]} at ${llm[2]}`
  else if (r.questionMaker in OFFLINE_MAKERS) questions = `offline (no LLM): ${OFFLINE_MAKERS[r.questionMaker]}`
  return { label, detail, questions }
}

/** The offline question makers' labels (native/protocols/text-embedding/data/offline-questions.ts), in words. */
const OFFLINE_MAKERS: Record<string, string> = {
  'offline-cloze+summary': 'inverse cloze and summary lines',
  'offline-cloze': 'inverse cloze',
  'offline-summary': 'summary lines',
  'offline-keywords': 'keyword templates',
}

/** Which question source the settings select, and what that choice trades (shown under the Questions settings). */
export function questionSourceNote(llmBaseUrl: string, llmModel: string): { inUse: string; tradeOff: string } {
  if (!llmBaseUrl.trim()) {
    return {
      inUse: 'In use: offline questions (no LLM).',
      tradeOff:
        "Each question is a sentence taken out of its passage (inverse cloze) or, for corpora with summary lines such as man pages, the article's summary. Free, private and repeatable, and it does not copy the passage (about 40 % of its words are in the passage, against about 70 % for LLM questions). But the questions are statements rather than the LLM-written questions the subnet's validators send, so your scores will differ somewhat from theirs. Set an endpoint to ask as they do.",
    }
  }
  let host = llmBaseUrl
  try {
    host = new URL(llmBaseUrl).host
  } catch {
    // shown as typed; saving explains an invalid URL
  }
  return {
    inUse: `In use: ${llmModel || 'the model'} at ${host}.`,
    tradeOff:
      'The reference validator\'s way (it uses gpt-4o-mini): the closest match to the scores of the subnet\'s validators. One chat call per question, up to about 128 per round: a paid API costs money per round, a local server (Ollama) needs a capable machine, and rounds take longer. If the endpoint fails, the round fails and says why.',
  }
}

/** The burn rule's effect on a round, short, with the full reason. */
export function burnSummary(burn: Record<string, unknown>): { label: string; detail: string } {
  const reason = typeof burn.reason === 'string' ? burn.reason : ''
  const pct = typeof burn.percentage === 'number' ? `${Math.round(burn.percentage * 100)}%` : ''
  if (burn.applied === true) return { label: `${pct} to burner${typeof burn.burnerUid === 'number' ? ` uid ${burn.burnerUid}` : ''}`, detail: reason }
  if (/turned off/i.test(reason)) return { label: 'off', detail: reason }
  if (/not registered/i.test(reason)) return { label: 'burner not registered', detail: reason }
  if (!reason) return { label: '–', detail: '' }
  return { label: 'not applied', detail: reason }
}

export function weightLabel(w: WeightRecord): { kind: string; color: Tone } {
  const base = { set: 'Set', commit: 'Commit', reveal: 'Reveal', skipped: 'Skipped' }[w.kind]
  const kind = w.status === 'failed' ? `${base} failed` : w.status === 'pending' ? `${base} pending` : base
  const color: Tone = w.status === 'ok' ? 'green' : w.status === 'failed' ? 'red' : w.status === 'pending' ? 'blue' : 'gray'
  return { kind, color }
}

/**
 * The "Blocks between weights" field in the subnet's own terms, so that a weights interval is
 * never shown as a second, different "epoch length" next to the subnet's tempo.
 */
export function weightsIntervalNote(blocks: number, tempo: number | null): string {
  if (tempo === null) return 'How long to wait between weight updates. The chain pays once per epoch (the subnet’s tempo).'
  const epoch = tempo + 1
  if (blocks <= epoch) return `At most once per epoch: this subnet pays every ${epoch} blocks (tempo ${tempo}).`
  const epochs = Math.ceil(blocks / epoch)
  return `Slower than the subnet: it pays every ${epoch} blocks (tempo ${tempo}), so weights every ${blocks} blocks count only once every ${epochs} epochs. ${tempo} or less updates them every epoch.`
}

/** Where a round's articles come from, in words ("auto" resolved for the network in the header). */
export function dataSourceLabel(dataSource: 'auto' | 'huggingface' | 'local' | 'builtin', practice: boolean): string {
  if (dataSource === 'local') return 'local corpus'
  if (dataSource === 'builtin' || (dataSource === 'auto' && practice)) return "TaoDesk's built-in articles (offline)"
  return "the subnet's Hugging Face datasets"
}

/** A failed round that the built-in articles would fix: the Hugging Face datasets could not be read. */
export function offersBuiltinData(lastError: string | null, dataSource: 'auto' | 'huggingface' | 'local' | 'builtin'): boolean {
  return !!lastError && (dataSource === 'huggingface' || dataSource === 'auto') && /Hugging Face|datasets-server/.test(lastError)
}
