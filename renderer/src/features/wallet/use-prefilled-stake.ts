import { useEffect, useState } from 'react'
import { formatPrice, formatTao } from '../../../../native/contract'
import { useEngine } from '../../engine/engine-context'
import { readableUnits, taoForAlpha } from './stake-request'

export interface PrefillState {
  readonly note: string | null
  readonly error: string | null
}

/**
 * A stake asked for in alpha (the validator's "Stake N more"): reads the price now and fills in
 * the TAO that buys that alpha even at the limit the form signs (price × (1 + slippage)).
 * Null when the dialog was opened without such a request.
 */
export function usePrefilledStake(
  wallet: string,
  request: { hotkey?: string; netuid?: number; alpha?: bigint },
  slippagePercent: number | undefined,
  setAmount: (amount: string) => void,
): PrefillState | null {
  const engine = useEngine()
  const [state, setState] = useState<PrefillState>({ note: null, error: null })
  const { hotkey, netuid, alpha } = request
  const wanted = alpha !== undefined && hotkey !== undefined && netuid !== undefined
  useEffect(() => {
    if (!wanted || slippagePercent === undefined) return
    let cancelled = false
    engine
      .call('wallet.estimate', { name: wallet, call: { kind: 'stake', hotkey, netuid, amount: alpha.toString() }, slippagePercent })
      .then((e) => {
        if (cancelled) return
        const price = e.price ? BigInt(e.price.expected) : 0n
        if (price === 0n) {
          setState({ note: null, error: `The alpha price of subnet ${netuid} is not known now: enter the amount of TAO yourself (${readableUnits(alpha)} alpha are needed).` })
          return
        }
        const tao = taoForAlpha(alpha, price, slippagePercent)
        setAmount(formatTao(tao))
        setState({ note: `Filled in for ${readableUnits(alpha)} alpha more on this hotkey: ${formatPrice(price)} now, plus your ${slippagePercent} % slippage tolerance.`, error: null })
      })
      .catch((e: unknown) => {
        if (!cancelled) setState({ note: null, error: `Could not read the alpha price to fill in the amount: ${e instanceof Error ? e.message : String(e)}` })
      })
    return () => {
      cancelled = true
    }
    // Once per request, with the slippage the form starts with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted, slippagePercent === undefined])
  return wanted ? state : null
}
