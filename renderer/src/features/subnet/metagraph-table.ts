import type { Neuron } from '../../../../native/contract'

export type NeuronSortKey = 'uid' | 'stake' | 'incentive' | 'emission' | 'dividends' | 'consensus' | 'validatorTrust' | 'validatorPermit' | 'lastUpdate' | 'axon' | 'hotkey'

export interface NeuronSort {
  readonly key: NeuronSortKey
  readonly desc: boolean
}

/** Clicking the sorted column flips the direction; another column starts high-to-low (uid and names: low-to-high). */
export function nextNeuronSort(current: NeuronSort, key: NeuronSortKey): NeuronSort {
  if (current.key === key) return { key, desc: !current.desc }
  return { key, desc: !(key === 'uid' || key === 'hotkey' || key === 'axon') }
}

function value(n: Neuron, key: NeuronSortKey): number | string {
  switch (key) {
    case 'validatorPermit':
      return n.validatorPermit ? 1 : 0
    case 'axon':
      return n.axon.serving ? `${n.axon.ip}:${n.axon.port}` : ''
    case 'hotkey':
      return n.hotkey
    default:
      return n[key]
  }
}

/**
 * Rows matching `query` (a number: that uid; otherwise part of a hotkey, coldkey or axon address; case-insensitive),
 * sorted by `sort`, ties by uid. Returns a new array.
 */
export function filterAndSortNeurons(neurons: readonly Neuron[], query: string, sort: NeuronSort): Neuron[] {
  const q = query.trim().toLowerCase()
  const rows = q
    ? neurons.filter((n) => {
        if (/^\d+$/.test(q)) return n.uid === Number(q)
        return n.hotkey.toLowerCase().includes(q) || n.coldkey.toLowerCase().includes(q) || (n.axon.serving && `${n.axon.ip}:${n.axon.port}`.includes(q))
      })
    : [...neurons]
  const dir = sort.desc ? -1 : 1
  return rows.sort((a, b) => {
    const va = value(a, sort.key)
    const vb = value(b, sort.key)
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))
    return c !== 0 ? c * dir : a.uid - b.uid
  })
}

/** "1.5" from a rao decimal string; at most `digits` decimals, trailing zeros dropped. */
export function raoToTao(rao: string, digits = 4): string {
  const v = BigInt(rao)
  const whole = v / 1_000_000_000n
  const frac = (v % 1_000_000_000n).toString().padStart(9, '0').slice(0, digits).replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}

/** A suggested price cap: the current price plus 20 %, rounded up to 4 decimals of TAO. */
export function suggestedMaxPrice(priceRao: string): string {
  const withMargin = (BigInt(priceRao) * 12n + 9n) / 10n
  const step = 100_000n // 0.0001 TAO
  return raoToTao(String(((withMargin + step - 1n) / step) * step), 4)
}
