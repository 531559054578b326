import { describe, expect, it } from 'vitest'
import { commitTiming, formatDuration } from './subnet-format'

describe('subnet formatting', () => {
  it('formats rough durations', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(44_600)).toBe('45 s')
    expect(formatDuration(3 * 60_000)).toBe('3 min')
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min')
    expect(formatDuration(120 * 60_000)).toBe('2 h')
    expect(formatDuration(27 * 3_600_000)).toBe('1 d 3 h')
    expect(formatDuration(-1)).toBe('–')
    expect(formatDuration(Number.NaN)).toBe('–')
  })

  it('says when a commit will be revealed from the reveal window, the block and the block time', () => {
    const c = { revealFrom: 100, revealUntil: 120 }
    expect(commitTiming(c, 86, 2000)).toEqual({ phase: 'waiting', blocks: 14, text: 'in 14 blocks (about 28 s)' })
    expect(commitTiming(c, 99, 12_000)).toEqual({ phase: 'waiting', blocks: 1, text: 'in 1 block (about 12 s)' })
    expect(commitTiming(c, 40, null).text).toBe('in 60 blocks')
    expect(commitTiming(c, 100, 12_000)).toEqual({ phase: 'due', blocks: 0, text: 'now (window closes in 20 blocks)' })
    expect(commitTiming(c, 119, 12_000).text).toBe('now (window closes in 1 block)')
    expect(commitTiming(c, 121, 12_000)).toEqual({ phase: 'late', blocks: 0, text: 'window closed' })
    expect(commitTiming(c, null, 12_000).text).toBe('from block 100')
  })
})
