import { LineChart } from '@mantine/charts'
import type { LineChartProps } from '@mantine/charts'
import { Card, Group, SimpleGrid, Text } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { useEngine, useEngineEvent, useNetwork } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { StaleMark } from '../../ui/StaleMark'
import { Term } from '../../ui/Term'
import { rewardsStaleFrom } from './rewards-network'
import { rankDomain, rewardsSeries } from './rewards-series'
import type { RewardsRow } from './rewards-series'

/** Earnings as pictures over blocks: step lines (the chain pays once per epoch), with legends. */
export function RewardsCharts() {
  const engine = useEngine()
  const [rows, setRows] = useState<RewardsRow[]>([])
  const [tick, setTick] = useState(0)
  const rewards = useEngineQuery('miner.rewards', {}, String(tick))
  const price = rewards.data?.alphaPrice.tao ?? null
  const header = useNetwork()
  const staleFrom = rewards.data ? rewardsStaleFrom(rewards.data.network, header) : null
  // A new record is written once an epoch: re-read when the epoch the miner is in changes.
  const epoch = useRef('')
  useEngineEvent('miner.rewards', (r) => {
    const now = `${r.hotkey}:${r.block + r.nextEpochInBlocks}`
    if (now === epoch.current) return
    epoch.current = now
    setTick((n) => n + 1)
  })
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
  if (rows.length < 2) {
    return (
      <Text size="sm" c="dimmed" data-testid="rewards-charts-pending">
        A point is recorded every epoch{rewards.data ? ` (${rewards.data.tempo} blocks)` : ''}; the charts of earnings, incentive and rank appear after the next one.
      </Text>
    )
  }
  const ranks = rankDomain(rows)
  return (
    <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} data-testid="rewards-charts">
      <ChartCard
        staleFrom={staleFrom}
        title={
          <>
            Earned per epoch and in total (<Term word="alpha" />
            {price !== null ? ', TAO at today’s price' : ''})
          </>
        }
      >
        <BlockChart
          data={rows}
          series={[
            { name: 'alpha', label: 'alpha this epoch', color: 'teal.6' },
            { name: 'totalAlpha', label: 'alpha in total', color: 'blue.6' },
            ...(price !== null ? [{ name: 'totalTao', label: 'TAO in total', color: 'orange.6' }] : []),
          ]}
          data-testid="rewards-earned-chart"
        />
      </ChartCard>
      <ChartCard
        staleFrom={staleFrom}
        title={
          <>
            <Term word="incentive" /> over blocks
          </>
        }
      >
        <BlockChart data={rows} unit=" %" series={[{ name: 'incentive', label: 'incentive (% of miner rewards)', color: 'grape.6' }]} data-testid="rewards-incentive-chart" />
      </ChartCard>
      <ChartCard staleFrom={staleFrom} title="Rank over blocks" testId="rewards-rank-card">
        <Text size="xs" c="dimmed" mb="xs">
          Your place among the subnet’s miners by incentive: 1 = the best-paid miner. Lower is better, so 1 is at the top.
        </Text>
        {ranks === null ? (
          <Text size="sm" c="dimmed">
            No rank recorded yet: it is recorded each epoch while the hotkey is registered.
          </Text>
        ) : (
          <BlockChart
            data={rows}
            yAxisProps={{ reversed: true, domain: ranks, allowDecimals: false }}
            series={[{ name: 'rank', label: `rank (1 = best-paid, of up to ${ranks[1]} miners)`, color: 'cyan.6' }]}
            data-testid="rewards-rank-chart"
          />
        )}
      </ChartCard>
    </SimpleGrid>
  )
}

/** A chart card: its title, marked when the figures come from the network before the header's. */
function ChartCard({ title, staleFrom, testId, children }: { title: ReactNode; staleFrom: string | null; testId?: string; children: ReactNode }) {
  return (
    <Card withBorder data-testid={testId}>
      <Group gap="xs" mb="xs">
        <Text fw={500}>{title}</Text>
        <StaleMark from={staleFrom} what="These charts" />
      </Group>
      {children}
    </Card>
  )
}

/** Values over blocks as step lines (the chain changes them once per epoch), with a legend. */
function BlockChart(props: Omit<LineChartProps, 'h' | 'dataKey' | 'curveType' | 'withLegend' | 'xAxisLabel'>) {
  return <LineChart h={200} dataKey="block" curveType="step" withLegend xAxisLabel="block" {...props} />
}
