import { describe, expect, it } from 'vitest'
import { GLOSSARY, GLOSSARY_LABEL } from './glossary'

describe('glossary', () => {
  it('explains every word the issue names, in a sentence or two', () => {
    for (const w of ['uid', 'alpha', 'tempo', 'incentive', 'consensus', 'vtrust', 'kappa', 'infonce'] as const) {
      expect(GLOSSARY[w].length, w).toBeGreaterThan(40)
      expect(GLOSSARY[w].length, w).toBeLessThan(260)
      expect(GLOSSARY_LABEL[w]).toBeTruthy()
    }
  })

  it('does not send the reader to a spec section', () => {
    for (const text of Object.values(GLOSSARY)) expect(text).not.toMatch(/§/)
  })
})
