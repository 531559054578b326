import { describe, expect, it } from 'vitest'
import type { WeightRecord } from '../../../../native/contract'
import { collapseRepeats, weightRepeatKey } from './repeat-groups'

const weight = (id: number, kind: WeightRecord['kind'], message: string): WeightRecord => ({
  id,
  time: id,
  netuid: 5,
  block: id,
  kind,
  status: kind === 'skipped' ? 'skipped' : 'ok',
  message,
  uids: [],
  values: [],
  versionKey: 803,
  commitEpoch: null,
  revealed: false,
  spearman: null,
})

describe('collapseRepeats', () => {
  it('shows a run of identical skipped attempts once with its count, numbers aside, keeping the newest', () => {
    const rows = [
      weight(5, 'skipped', 'Too soon: 12 blocks since the last weight update'),
      weight(4, 'skipped', 'Too soon: 9 blocks since the last weight update'),
      weight(3, 'skipped', 'Too soon: 6 blocks since the last weight update'),
      weight(2, 'set', 'Weights set'),
      weight(1, 'set', 'Weights set'),
      weight(0, 'skipped', 'Too soon: 3 blocks since the last weight update'),
    ]
    const folded = collapseRepeats(rows, weightRepeatKey)
    expect(folded.map((r) => [r.item.id, r.count])).toEqual([
      [5, 3],
      [2, 1],
      [1, 1],
      [0, 1],
    ])
  })
})
