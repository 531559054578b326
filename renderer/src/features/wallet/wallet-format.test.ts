import { describe, expect, it } from 'vitest'
import { mismatchText } from './wallet-format'

describe('mismatchText', () => {
  it('agrees in number', () => {
    expect(mismatchText([{ role: 'coldkey', position: 10 }])).toBe('Word 10 of the coldkey does not match. Compare it with what you wrote down.')
    expect(mismatchText([{ role: 'coldkey', position: 3 }, { role: 'hotkey', position: 7 }])).toBe('Words 3 of the coldkey and 7 of the hotkey do not match. Compare them with what you wrote down.')
  })
})
