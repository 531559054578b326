import { Alert, Button } from '@mantine/core'
import { IconInfoCircle } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { zeroRewardsReason } from './zero-rewards'

/** Next to the rewards: why they are zero, in plain words (nothing when the miner earns). */
export function ZeroRewardsNote() {
  // Rewards change once per epoch; a look every 20 s keeps the explanation current.
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 20_000)
    return () => clearInterval(t)
  }, [])
  // The rewards card above follows the miner.rewards events: never explain zero next to a non-zero incentive.
  const [liveIncentive, setLiveIncentive] = useState<number>()
  useEngineEvent('miner.rewards', (e) => setLiveIncentive(e.incentive))
  const refreshKey = String(tick)
  const rewards = useEngineQuery('miner.rewards', {}, refreshKey)
  const validator = useEngineQuery('validator.status', {}, refreshKey)
  const r = rewards.data
  const metagraph = useEngineQuery('chain.metagraph', { netuid: r?.netuid ?? 0 }, `${refreshKey}|${r?.netuid ?? ''}`)
  if (!r || (liveIncentive ?? 0) > 0) return null
  const reason = zeroRewardsReason({
    registered: r.registered,
    incentive: r.incentive,
    nextEpochInBlocks: r.nextEpochInBlocks,
    metagraph: metagraph.data && metagraph.data.netuid === r.netuid ? metagraph.data : null,
    ownValidatorHotkey: validator.data?.lastWeights ? validator.data.hotkey : null,
    practice: r.network === 'devnet',
  })
  if (!reason) return null
  return (
    <Alert color="blue" icon={<IconInfoCircle size={18} />} title="Why nothing is earned yet" data-testid="zero-rewards-reason">
      {reason}
      {r.network === 'devnet' && !validator.data?.running && (
        <Button size="xs" variant="light" mt="xs" display="block" onClick={() => (window.location.hash = '/validator')} data-testid="zero-rewards-validator">
          Open the Validator page
        </Button>
      )}
    </Alert>
  )
}
