import { describe, expect, it } from 'vitest'
import type { LeaderboardEntry, ValidatorRound, WeightRecord } from '../../../../native/contract'
import { computeRoundRewards } from '../../../../native/protocols/text-embedding/scoring'
import { leaderboardEntry } from '../../../../test/support/leaderboard-entry'
import { configPatch } from './ValidatorSettings'
import { ago, answerStatus, burnSummary, dataSourceLabel, offersBuiltinData, filterLeaderboard, questionSourceNote, roundData, shortHotkey, weightLabel, weightsIntervalNote } from './validator-format'

const entry = (uid: number, hotkey: string): LeaderboardEntry => leaderboardEntry(uid, { hotkey })

const round = (over: Partial<ValidatorRound>): ValidatorRound => ({
  id: 1,
  startedAt: 0,
  finishedAt: 1,
  status: 'done',
  netuid: 5,
  block: null,
  source: '',
  description: '',
  questionMaker: '',
  pairs: 10,
  droppedPairs: 0,
  queried: 3,
  answered: 3,
  burn: {},
  error: null,
  ...over,
})

describe('validator page formatting', () => {
  it('says how long ago, in words', () => {
    const now = 1_000_000_000
    expect(ago(null, now)).toBe('never')
    expect(ago(now - 2000, now)).toBe('just now')
    expect(ago(now - 42_000, now)).toBe('42 s ago')
    expect(ago(now - 12 * 60_000, now)).toBe('12 min ago')
    expect(ago(now - 3 * 3_600_000, now)).toBe('3 h ago')
    expect(ago(now - 2 * 86_400_000, now)).toBe('2 d ago')
    expect(ago(now + 5000, now)).toBe('just now') // clock skew never shows "-5 s ago"
  })

  it('shortens hotkeys and names answer statuses, keeping the message', () => {
    expect(shortHotkey('5FHsM8ywifUgtSXbDQaSD9zzDYq76RqAvf9PnaSVg5q3Lc8G')).toBe('5FHsM8yw…q3Lc8G')
    expect(shortHotkey('short')).toBe('short')
    expect(answerStatus(200, 'Success').label).toBe('OK')
    expect(answerStatus(200, 'Invalid answer: row 0 has 768 values, expected 1024')).toEqual({ label: 'Invalid', color: 'orange', detail: 'Invalid answer: row 0 has 768 values, expected 1024', reason: 'row 0 has 768 values, expected 1024' })
    expect(answerStatus(408, 'Request timeout after 60 seconds').label).toBe('Timeout')
    expect(answerStatus(503, 'Service unavailable').label).toBe('Unreachable')
    expect(answerStatus(422, 'Failed to parse response').label).toBe('Bad reply')
    expect(answerStatus(403, 'Forbidden').detail).toBe('HTTP 403: Forbidden')
    expect(answerStatus(500, 'Could not score the answer').label).toBe('HTTP 500')
  })

  it('gives the refusal reason for the row itself, not just REFUSED or HTTP 404', () => {
    expect(answerStatus(403, 'Stake below minimum (0.00 < 1000).')).toMatchObject({ label: 'Refused', reason: 'Stake below minimum (0.00 < 1000)' })
    expect(answerStatus(403, 'Forbidden').reason).toMatch(/refused this validator/)
    expect(answerStatus(404, 'Not Found').reason).toMatch(/not an embedding miner/)
  })

  it('finds uids by prefix and hotkeys by substring', () => {
    const rows = [entry(4, '5Abc4xyz'), entry(42, '5Def'), entry(142, '5Ghi42'), entry(7, '5JklXy')]
    expect(filterLeaderboard(rows, '').map((r) => r.uid)).toEqual([4, 42, 142, 7])
    expect(filterLeaderboard(rows, ' 4 ').map((r) => r.uid)).toEqual([4, 42]) // digits: uids only, not "5Ghi42"
    expect(filterLeaderboard(rows, 'Xy').map((r) => r.uid)).toEqual([7])
    expect(filterLeaderboard(rows, 'xy').map((r) => r.uid)).toEqual([4]) // SS58 is case-sensitive
  })

  it('says where a round came from', () => {
    expect(roundData(round({ source: 'huggingface', description: 'huggingface:HuggingFaceFW/fineweb|sample-100BT|train rows 1200–1231', questionMaker: 'llm:gpt-4o-mini@api.openai.com' }))).toEqual({
      label: 'Hugging Face',
      detail: 'HuggingFaceFW/fineweb · sample-100BT · train · rows 1200–1231',
      questions: 'gpt-4o-mini at api.openai.com',
    })
    expect(roundData(round({ source: 'local:corpus.jsonl', description: 'local:/data/corpus.jsonl (9 of 1571 documents)', questionMaker: 'offline-keywords' }))).toEqual({
      label: 'Local corpus',
      detail: '/data/corpus.jsonl (9 of 1571 documents)',
      questions: 'offline (no LLM): keyword templates',
    })
    expect(roundData(round({ source: 'local:corpus.jsonl', description: 'local:/data/corpus.jsonl', questionMaker: 'offline-cloze+summary' })).questions).toBe('offline (no LLM): inverse cloze and summary lines')
    expect(roundData(round({ source: 'custom', description: 'something else', questionMaker: 'x' })).label).toBe('custom')
  })

  it('says which question source the settings select and what it trades', () => {
    const offline = questionSourceNote('', 'gpt-4o-mini')
    expect(offline.inUse).toBe('In use: offline questions (no LLM).')
    expect(offline.tradeOff).toMatch(/inverse cloze.*differ somewhat/)
    const llm = questionSourceNote('http://localhost:11434/v1', 'llama3.2')
    expect(llm.inUse).toBe('In use: llama3.2 at localhost:11434.')
    expect(llm.tradeOff).toMatch(/closest match.*costs money/)
    expect(questionSourceNote('not a url', 'm').inUse).toBe('In use: m at not a url.')
  })

  it('summarizes the burn rule from what the reward computation reports', () => {
    const hotkeys = ['a', 'burner', 'c']
    const applied = computeRoundRewards([{ uid: 0, score: 3 }, { uid: 2, score: 1 }], { enabled: true, hotkey: 'burner', percentage: 0.95 }, hotkeys)
    expect(burnSummary(applied.burn as unknown as Record<string, unknown>).label).toBe('95% to burner uid 1')
    const missing = computeRoundRewards([{ uid: 0, score: 3 }], { enabled: true, hotkey: 'other', percentage: 0.95 }, hotkeys)
    expect(burnSummary(missing.burn as unknown as Record<string, unknown>)).toMatchObject({ label: 'burner not registered', detail: expect.stringMatching(/not registered/) })
    const off = computeRoundRewards([{ uid: 0, score: 3 }], { enabled: false, hotkey: 'burner', percentage: 0.95 }, hotkeys)
    expect(burnSummary(off.burn as unknown as Record<string, unknown>).label).toBe('off')
    expect(burnSummary({}).label).toBe('–')
  })

  it('labels weight attempts by outcome', () => {
    const w = (kind: WeightRecord['kind'], status: WeightRecord['status']) => ({ kind, status }) as WeightRecord
    expect(weightLabel(w('set', 'ok'))).toEqual({ kind: 'Set', color: 'green' })
    expect(weightLabel(w('set', 'failed'))).toEqual({ kind: 'Set failed', color: 'red' })
    expect(weightLabel(w('commit', 'pending'))).toEqual({ kind: 'Commit pending', color: 'blue' })
    expect(weightLabel(w('skipped', 'skipped'))).toEqual({ kind: 'Skipped', color: 'gray' })
  })
})

describe('validator settings patch', () => {
  const base = { netuid: 5, wallet: '', hotkey: 'default', sampleSize: 30, llmBaseUrl: '' } as never
  it('sends only changed fields and typed secrets; empty secret fields keep the saved ones', () => {
    const saved = { ...(base as object) } as Parameters<typeof configPatch>[0]
    const draft = { ...saved, sampleSize: 64, llmBaseUrl: 'http://localhost:11434/v1' }
    expect(configPatch(saved, draft, { llmApiKey: '', hfToken: '', clearLlmKey: false, clearHfToken: false })).toEqual({ sampleSize: 64, llmBaseUrl: 'http://localhost:11434/v1' })
    expect(configPatch(saved, saved, { llmApiKey: 'sk-1', hfToken: '', clearLlmKey: false, clearHfToken: false })).toEqual({ llmApiKey: 'sk-1' })
    expect(configPatch(saved, saved, { llmApiKey: 'typed', hfToken: '', clearLlmKey: true, clearHfToken: true })).toEqual({ llmApiKey: '', hfToken: '' })
  })
})

describe('weightsIntervalNote', () => {
  it('puts the weights interval in the subnet tempo terms instead of a second "epoch length"', () => {
    expect(weightsIntervalNote(100, 20)).toBe('Slower than the subnet: it pays every 21 blocks (tempo 20), so weights every 100 blocks count only once every 5 epochs. 20 or less updates them every epoch.')
    expect(weightsIntervalNote(20, 20)).toMatch(/^At most once per epoch/)
    expect(weightsIntervalNote(20, null)).not.toMatch(/epoch length/)
  })

  it('names the articles a round uses, following the network for "auto"', () => {
    expect(dataSourceLabel('auto', true)).toBe("TaoDesk's built-in articles (offline)")
    expect(dataSourceLabel('auto', false)).toBe("the subnet's Hugging Face datasets")
    expect(dataSourceLabel('builtin', false)).toBe("TaoDesk's built-in articles (offline)")
    expect(dataSourceLabel('local', true)).toBe('local corpus')
  })

  it('offers the built-in articles when a round could not read the Hugging Face datasets', () => {
    const hf = 'Could not reach the Hugging Face datasets-server at https://datasets-server.huggingface.co (fetch failed). Check the network, or use a local corpus.'
    expect(offersBuiltinData(hf, 'huggingface')).toBe(true)
    expect(offersBuiltinData(hf, 'auto')).toBe(true)
    expect(offersBuiltinData(hf, 'builtin')).toBe(false)
    expect(offersBuiltinData('No miner on this subnet serves an axon that can be queried.', 'huggingface')).toBe(false)
    expect(offersBuiltinData(null, 'huggingface')).toBe(false)
  })
})
