/**
 * Turning a chunk into a question (spec §2.3 step 5): an OpenAI-compatible chat endpoint as the
 * reference validator uses, or one of the offline makers in offline-questions.ts when no LLM is
 * configured.
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

/** What a question maker may know about the chunk's article besides the chunk itself. */
export interface ChunkContext {
  /** The article's one-line summary, when the corpus has one (a man page's NAME line). */
  readonly summary?: string
  /** Which of the article's chunks this is (0 for the first). */
  readonly index: number
}

/** A question together with the passage it belongs to, for makers that change the passage (inverse cloze). */
export interface QuestionPair {
  readonly question: string
  readonly chunk: string
}

export interface QuestionMaker {
  /** e.g. "llm:gpt-4o-mini@api.openai.com" or "offline-cloze". */
  readonly label: string
  /**
   * The question (the chunk stays the passage), a question with its own passage, or an Error
   * explaining why none could be made (the pair is then dropped).
   */
  question(chunk: string, rng: Rng, context?: ChunkContext): Promise<string | QuestionPair | Error>
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
