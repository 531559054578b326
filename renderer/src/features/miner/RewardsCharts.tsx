import { LineChart } from '@mantine/charts'
import { Card, SimpleGrid, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import { useEngine } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { Term } from '../../ui/Term'
import { rewardsSeries } from './rewards-series'
import type { RewardsRow } from './rewards-series'

/** Earnings as pictures over blocks: step lines (the chain pays once per epoch), with legends. */
export function RewardsCharts() {
  const engine = useEngine()
  const [rows, setRows] = useState<RewardsRow[]>([])
  const [tick, setTick] = useState(0)
  const rewards = useEngineQuery('miner.rewards', {}, String(tick))
  const price = rewards.data?.alphaPrice.tao ?? null
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 20_000)
    return () => clearInterval(t)
  }, [])
  useEffect(() => {
    let live = true
    engine
      .call('miner.rewardsHistory', {})
      .then((h) => live && setRows(rewardsSeries(h, price)))
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [engine, tick, price])
  if (rows.length < 2) return null
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="rewards-charts">
      <Card withBorder>
        <Text fw={500} mb="xs">
          Earned per epoch and in total (<Term word="alpha" />
          {price !== null ? ', TAO at today’s price' : ''})
        </Text>
        <LineChart
          h={200}
          data={rows}
          dataKey="block"
          curveType="step"
          withLegend
          xAxisLabel="block"
          series={[
            { name: 'alpha', label: 'alpha this epoch', color: 'teal.6' },
            { name: 'totalAlpha', label: 'alpha in total', color: 'blue.6' },
            ...(price !== null ? [{ name: 'totalTao', label: 'TAO in total', color: 'orange.6' }] : []),
          ]}
          data-testid="rewards-earned-chart"
        />
      </Card>
      <Card withBorder>
        <Text fw={500} mb="xs">
          <Term word="incentive" /> over blocks
        </Text>
        <LineChart h={200} data={rows} dataKey="block" curveType="step" withLegend xAxisLabel="block" unit=" %" series={[{ name: 'incentive', label: 'incentive (% of miner rewards)', color: 'grape.6' }]} data-testid="rewards-incentive-chart" />
      </Card>
    </SimpleGrid>
  )
}
