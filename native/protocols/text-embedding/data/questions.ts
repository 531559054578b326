/**
 * Turning a chunk into a question (spec §2.3 step 5): an OpenAI-compatible chat endpoint as the
 * reference validator uses, or an offline keyword-based fallback when no LLM is configured.
 */
import { cleanPairText } from './chunking'
import type { Rng } from './random'

/** Our wording of the reference prompt's intent (read the segment, ask what it teaches). */
export const QUESTION_PROMPT = `You will be given a segment of text. Read it carefully and work out what a curious reader would learn from it. Then write one natural question that this segment answers, the way a person would type it into a search box, without quoting the segment word for word. For example, from a passage about the founding of Apple you might ask "Who started Apple together with Steve Jobs in 1976?"`

export const JSON_INSTRUCTION = 'Reply with a JSON object that has a single key "question" whose value is your question.'

/** An error that will recur for every chunk (bad key, unknown model, wrong URL): the round stops. */
export class FatalQuestionError extends Error {
  readonly fatal = true
}

export interface QuestionMaker {
  /** e.g. "llm:gpt-4o-mini@api.openai.com" or "offline-keywords". */
  readonly label: string
  /** The question, or an Error explaining why none could be made (the pair is then dropped). */
  question(chunk: string, rng: Rng): Promise<string | Error>
}

export interface ChatEndpointConfig {
  /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1. */
  readonly baseUrl: string
  readonly model: string
  readonly apiKey?: string
  readonly temperature?: number
  readonly timeoutMs?: number
  /** Pause before retrying an unparsable answer (reference: 10 s). */
  readonly retryDelayMs?: number
  readonly maxAttempts?: number
  readonly fetchImpl?: typeof fetch
}

export class ChatQuestionMaker implements QuestionMaker {
  readonly label: string

  constructor(private readonly config: ChatEndpointConfig) {
    let host = config.baseUrl
    try {
      host = new URL(config.baseUrl).host
    } catch {
      throw new Error(`The question-generation URL "${config.baseUrl}" is not a valid URL.`)
    }
    this.label = `llm:${config.model}@${host}`
  }

  async question(chunk: string): Promise<string | Error> {
    const attempts = this.config.maxAttempts ?? 4
    let lastProblem = 'no attempt made'
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let content: string
      try {
        content = await this.complete(chunk)
      } catch (error) {
        // The reference drops the pair when the API call itself fails.
        return error instanceof Error ? error : new Error(String(error))
      }
      const q = parseQuestion(content)
      if (q) return q
      lastProblem = `answer was not JSON with a "question" string: ${content.slice(0, 120)}`
      if (attempt < attempts) await new Promise((r) => setTimeout(r, this.config.retryDelayMs ?? 10_000))
    }
    return new Error(`The language model gave no usable question after ${attempts} attempts (${lastProblem})`)
  }

  private async complete(chunk: string): Promise<string> {
    const url = `${this.config.baseUrl.replace(/\/+$/, '')}/chat/completions`
    const prompt = `${QUESTION_PROMPT}\nText segment:\n\n${chunk.trim().slice(0, 8000)}`
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`
    const doFetch = this.config.fetchImpl ?? fetch
    const res = await doFetch(url, {
      method: 'POST',
      headers,
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 60_000),
      body: JSON.stringify({
        model: this.config.model,
        response_format: { type: 'json_object' },
        temperature: this.config.temperature ?? 1.5,
        messages: [
          { role: 'user', content: prompt },
          { role: 'user', content: JSON_INSTRUCTION },
        ],
      }),
    })
    const text = await res.text()
    if (!res.ok) {
      let detail = text.slice(0, 200)
      try {
        const j = JSON.parse(text) as { error?: { message?: string } }
        if (j.error?.message) detail = j.error.message
      } catch {
        // keep the raw text
      }
      const message = `The chat endpoint answered HTTP ${res.status}: ${detail}`
      throw [401, 403, 404].includes(res.status) ? new FatalQuestionError(`${message}. Check the URL, model and API key in the validator settings.`) : new Error(message)
    }
    const body = JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> }
    const content = body.choices?.[0]?.message?.content
    if (typeof content !== 'string') throw new Error('The chat endpoint answered without choices[0].message.content')
    return content
  }
}

function parseQuestion(content: string): string | undefined {
  try {
    const j = JSON.parse(content) as { question?: unknown }
    if (typeof j.question === 'string') {
      const q = cleanPairText(j.question)
      if (q) return q
    }
  } catch {
    // unparsable: retried by the caller
  }
  return undefined
}

const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can cannot could did do does doing down during each either else etc few for from further had has have having he her here hers him his how however i if in into is it its itself just may me might more most must my no nor not now of off on once only or other otherwise our out over own same shall she should since so some such than that the their them then there these they this those through thus to too under until up upon us use used uses using very via was we were what when where whether which while who whom why will with within without would yet you your one two three first second also see note value values returns return function functions call calls file files set`.split(/\s+/),
)

/**
 * Offline fallback: a question built from the chunk's most distinctive words, so that finding the
 * chunk takes real retrieval (the question is never a verbatim sentence of it).
 */
export class OfflineQuestionMaker implements QuestionMaker {
  readonly label = 'offline-keywords'

  async question(chunk: string, rng: Rng): Promise<string | Error> {
    const words = chunk.match(/[A-Za-z_][A-Za-z0-9_]*(?:\(\d\))?/g) ?? []
    const counts = new Map<string, { word: string; n: number; first: number }>()
    words.forEach((w, i) => {
      const key = w.toLowerCase()
      if (key.length < 3 || STOPWORDS.has(key)) return
      const e = counts.get(key)
      if (e) e.n++
      else counts.set(key, { word: w, n: 1, first: i })
    })
    const ranked = [...counts.values()].sort((a, b) => b.n * Math.log(2 + b.word.length) - a.n * Math.log(2 + a.word.length) || a.first - b.first)
    const top = ranked.slice(0, 6)
    if (top.length === 0) return new Error('The chunk has no content words to ask about')
    const chosen = rng.sample(top, Math.min(3, top.length)).map((e) => e.word)
    const subject = chosen.length === 1 ? chosen[0] : `${chosen.slice(0, -1).join(', ')} and ${chosen[chosen.length - 1]}`
    const templates = [`What does it say about ${subject}`, `How do ${subject} relate`, `Explain ${subject}`, `What is described about ${subject}`]
    return cleanPairText(rng.pick(templates))
  }
}
