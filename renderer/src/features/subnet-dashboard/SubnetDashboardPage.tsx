import '@mantine/charts/styles.css'
import { LineChart } from '@mantine/charts'
import { Alert, Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, useMantineTheme } from '@mantine/core'
import { IconDownload, IconPhoto } from '@tabler/icons-react'
import { useRef, useState } from 'react'
import type { DashboardRound, ValidatorConfigView } from '../../../../native/contract'
import { useEngineEvent } from '../../engine/engine-context'
import { useEngineQuery } from '../../engine/use-engine-query'
import { PageHeader } from '../../ui/PageHeader'
import { BaselineSettings } from './BaselineSettings'
import { baselineLabel, chartModel, dashboardCsv, roundLabel, verdict } from './dashboard-series'
import { chartPng, download } from './export-png'

/** The subnet's model-performance curve: the miners' best and median score per round against baseline models on the same texts. */
export function SubnetDashboardPage() {
  const theme = useMantineTheme()
  const [generation, setGeneration] = useState(0)
  const dashboard = useEngineQuery('validator.dashboard', { limit: 500 }, String(generation))
  const configQuery = useEngineQuery('validator.config.get', {})
  const [config, setConfig] = useState<ValidatorConfigView>()
  const [exportError, setExportError] = useState<string>()
  const chartRef = useRef<HTMLDivElement>(null)
  useEngineEvent('validator.dashboard', (_r: DashboardRound) => setGeneration((g) => g + 1))

  const rounds = dashboard.data?.rounds ?? []
  const netuid = dashboard.data?.netuid
  const { series, data } = chartModel(rounds)
  const colorOf = (c: string): string => {
    const [name, shade] = c.split('.')
    return theme.colors[name]?.[Number(shade)] ?? '#333333'
  }
  const latest = rounds.at(-1)
  const problems = latest?.baselines.filter((b) => b.error) ?? []
  const summary = verdict(rounds)
  const shownConfig = config ?? configQuery.data
  const fileBase = `taodesk-subnet-${netuid ?? ''}-dashboard`

  const exportCsv = (): void => download(new Blob([dashboardCsv(rounds)], { type: 'text/csv' }), `${fileBase}.csv`)
  const exportPng = async (): Promise<void> => {
    const svg = chartRef.current?.querySelector('svg.recharts-surface')
    if (!(svg instanceof SVGSVGElement)) return setExportError('There is no chart to export yet.')
    try {
      download(await chartPng(svg, `Subnet ${netuid}: miner scores and baselines per round`, series.map((s) => ({ label: s.label, color: colorOf(s.color) }))), `${fileBase}.png`)
      setExportError(undefined)
    } catch (e) {
      setExportError(`The PNG could not be made: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  return (
    <Stack gap="md">
      <PageHeader
        title={netuid === undefined ? 'Subnet dashboard' : `Subnet dashboard · subnet ${netuid}`}
        description="How good the subnet's models are, round by round, compared with models anyone can use."
        actions={
          <>
            <Button leftSection={<IconDownload size={16} />} variant="default" onClick={exportCsv} disabled={rounds.length === 0} data-testid="dashboard-export-csv">
              Export CSV
            </Button>
            <Button leftSection={<IconPhoto size={16} />} variant="default" onClick={() => void exportPng()} disabled={rounds.length === 0} data-testid="dashboard-export-png">
              Export PNG
            </Button>
          </>
        }
      />
      <Card withBorder>
        <Text size="sm" data-testid="dashboard-explanation">
          Each round, this validator asks the subnet&apos;s miners to embed the same questions and passages, and scores every answer by how well it matches each question with
          its own passage (InfoNCE, 1 / loss: higher is better). The blue lines are the best and the median miner of each round. The other lines are baseline models (your
          installed local models, and OpenAI&apos;s when you give a key) scored on exactly the same texts. When the blue lines stay above the baselines, the subnet&apos;s models
          are better than what anyone could use off the shelf.
        </Text>
        {summary && (
          <Text size="sm" fw={600} mt="xs" data-testid="dashboard-verdict">
            {summary}
          </Text>
        )}
      </Card>
      {dashboard.error && <Alert color="red">The dashboard could not be read: {dashboard.error}</Alert>}
      {exportError && (
        <Alert color="red" data-testid="dashboard-export-error">
          {exportError}
        </Alert>
      )}
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Score per round</Text>
          <Group gap="xs">
            {latest?.baselinesPending && (
              <Badge variant="light" data-testid="baselines-pending">
                Scoring baselines for round #{latest.roundId}…
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              {rounds.length} round{rounds.length === 1 ? '' : 's'}
            </Text>
          </Group>
        </Group>
        {rounds.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="dashboard-empty">
            No finished round on this subnet yet. Start the validator (Validator page); the curve appears after its first round.
          </Text>
        ) : (
          <div ref={chartRef} data-testid="dashboard-chart">
            <LineChart
              h={360}
              data={data}
              dataKey="round"
              curveType="linear"
              withLegend
              legendProps={{ verticalAlign: 'bottom' }}
              connectNulls={false}
              withDots={data.length <= 60}
              yAxisLabel="score (1 / InfoNCE loss)"
              xAxisLabel="round · block"
              series={series.map((s) => ({ name: s.key, label: s.label, color: s.color }))}
              valueFormatter={(v) => v.toFixed(3)}
            />
          </div>
        )}
      </Card>
      {problems.length > 0 && latest && (
        <Alert color="orange" title={`Baselines not scored in round ${roundLabel(latest)}`} data-testid="baseline-errors">
          <List size="sm">
            {problems.map((b) => (
              <List.Item key={b.model} data-testid="baseline-error">
                {b.error}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {latest && (
          <Card withBorder data-testid="dashboard-latest">
            <Text fw={600} mb="xs">
              Latest round {roundLabel(latest)}
            </Text>
            <Text size="sm">
              Best miner {latest.best?.toFixed(3) ?? '–'} · median {latest.median?.toFixed(3) ?? '–'} ({latest.scoredMiners} of {latest.queried} miners answered with a valid embedding)
            </Text>
            {latest.baselines.map((b) => (
              <Text size="sm" key={b.model} data-testid="dashboard-latest-baseline">
                {baselineLabel(b.model)}: {b.score === null ? 'not scored' : b.score.toFixed(3)}
              </Text>
            ))}
          </Card>
        )}
        {shownConfig && <BaselineSettings config={shownConfig} onSaved={setConfig} />}
      </SimpleGrid>
    </Stack>
  )
}
