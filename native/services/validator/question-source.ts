/**
 * Which question maker a validator uses: an OpenAI-compatible chat endpoint when one is set (the
 * reference validator's way), otherwise the offline maker. One place for the validator service
 * and `taodesk validator questions`, so the command shows the questions a round would send.
 */
import type { ValidatorConfig } from '../../contract/validator'
import { ChatQuestionMaker, OfflineQuestionMaker } from '../../protocols/text-embedding/data'
import type { QuestionMaker } from '../../protocols/text-embedding/data'

export function questionMakerFor(config: Pick<ValidatorConfig, 'llmBaseUrl' | 'llmModel'>, apiKey?: string): QuestionMaker {
  if (!config.llmBaseUrl) return new OfflineQuestionMaker()
  return new ChatQuestionMaker({ baseUrl: config.llmBaseUrl, model: config.llmModel, apiKey })
}
