import { describe, expect, it } from 'vitest'
import { estimateTokens, openAiAnswerAsResults, openAiEmbeddingsAnswer, openAiEmbeddingsBody } from './openai-embeddings'
import { resultsJson } from './results-json'

const decode = (b: Uint8Array | undefined) => (b ? JSON.parse(Buffer.from(b).toString('utf8')) : undefined)

describe('the OpenAI embeddings exchange', () => {
  it('wraps printed rows into the OpenAI answer without re-printing them, and reads it back in index order', () => {
    const matrix = resultsJson([[3, 4], [-0.5, 1e-12], [0, 0]], 2, false)
    const answer = Buffer.concat(openAiEmbeddingsAnswer(matrix, 'm', 7))
    const json = JSON.parse(answer.toString())
    expect(json).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [3, 4] },
        { object: 'embedding', index: 1, embedding: [-0.5, 0] },
        { object: 'embedding', index: 2, embedding: [0, 0] },
      ],
      model: 'm',
      usage: { prompt_tokens: 7, total_tokens: 7 },
    })
    expect(Buffer.concat(openAiEmbeddingsAnswer('[]', 'm', 0)).toString()).toBe('{"object":"list","data":[],"model":"m","usage":{"prompt_tokens":0,"total_tokens":0}}')
    json.data.reverse()
    expect(decode(openAiAnswerAsResults(Buffer.from(JSON.stringify(json))))).toEqual({ texts: [], results: [[3, 4], [-0.5, 0], [0, 0]] })
  })

  it('is not an answer when indices are missing, repeated or out of range, or the body is not an embeddings list', () => {
    const item = (index: number) => ({ index, embedding: [1] })
    for (const data of [[item(0), item(0)], [item(1)], [item(0), item(2)]]) expect(openAiAnswerAsResults(Buffer.from(JSON.stringify({ data })))).toBeUndefined()
    expect(openAiAnswerAsResults(Buffer.from('{"texts":[],"results":[[1]]}'))).toBeUndefined()
    expect(openAiAnswerAsResults(Buffer.from('<html>'))).toBeUndefined()
    // Rows are the scorer's to judge: a malformed row still comes through.
    expect(decode(openAiAnswerAsResults(Buffer.from('{"data":[{"index":0,"embedding":"nope"}]}')))).toEqual({ texts: [], results: ['nope'] })
  })

  it('sends what a validator asks, and estimates tokens as words and marks', () => {
    expect(JSON.parse(openAiEmbeddingsBody(['a', 'b'], 1024))).toEqual({ input: ['a', 'b'], model: 'openkaito-text-embedding', dimensions: 1024, encoding_format: 'float' })
    expect(estimateTokens(['Hello, world!', '', 'naïve café 42'])).toBe(7)
  })
})
