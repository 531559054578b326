import { Card, List, Stack, Text, ThemeIcon } from '@mantine/core'
import { IconClockHour4 } from '@tabler/icons-react'
import { PageHeader } from '../../ui/PageHeader'

interface PlannedPage {
  readonly title: string
  readonly description: string
  readonly plans: readonly string[]
  readonly cli: string
}

function PlannedFeature({ page }: { page: PlannedPage }) {
  return (
    <Stack>
      <PageHeader title={page.title} description={page.description} />
      <Card withBorder padding="lg" data-testid="planned-feature">
        <Stack gap="sm">
          <Text fw={600} size="sm" c="dimmed" tt="uppercase">
            Coming to this page
          </Text>
          <List spacing="xs" icon={<ThemeIcon size={20} radius="xl" variant="light"><IconClockHour4 size={14} /></ThemeIcon>}>
            {page.plans.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
          <Text size="sm" c="dimmed">
            On a server, the same will be available from the command line as <code>{page.cli}</code>.
          </Text>
        </Stack>
      </Card>
    </Stack>
  )
}

const WALLET: PlannedPage = {
  title: 'Wallet',
  description: 'Your Bittensor coldkey and hotkeys, in the same files btcli uses. Secret keys never leave the engine.',
  plans: [
    'Create a wallet or import one from btcli (~/.bittensor/wallets), with a guided first run',
    'Unlock the coldkey with its password for a time you choose; it is wiped afterwards',
    'Balances, stake per hotkey and subnet, transfers and staking with fee estimates',
    'Copy addresses or show them as QR codes; an activity history',
  ],
  cli: 'taodesk wallet …',
}

const MINER: PlannedPage = {
  title: 'Miner',
  description: 'Answer validators’ embedding requests on subnet 5 with your own GPU or CPU, and see what you earn.',
  plans: [
    'Start and stop an axon that Python validators accept, published on chain',
    'Reachability self-test with advice on port forwarding and firewalls',
    'Live request feed, requests per minute, latency and incentive charts',
    'Warnings about deregistration risk or an unreachable axon',
  ],
  cli: 'taodesk miner …',
}

const VALIDATOR: PlannedPage = {
  title: 'Validator',
  description: 'Query miners, score them with InfoNCE exactly as the reference validator does, and set weights.',
  plans: [
    'Rounds built from Hugging Face datasets or your own corpus, with progress',
    'A sortable leaderboard of every miner: score, recall, latency, availability',
    'Weight-setting status and history, including commit-reveal',
    'A consensus check against the chain: an early estimate of validator trust',
  ],
  cli: 'taodesk validator …',
}

const MODELS: PlannedPage = {
  title: 'Models',
  description: 'Embedding models for your miner: download, verify, benchmark, and pick the one that scores best.',
  plans: [
    'A catalog of well-known embedding models with size, dimension and licence',
    'Downloads with progress and resume, verified against the hub’s hashes',
    'Which accelerator runs them (CUDA, DirectML, CoreML or CPU) and why',
    'A benchmark and a local self-score with the validator’s InfoNCE',
  ],
  cli: 'taodesk models …',
}

export const WalletPage = () => <PlannedFeature page={WALLET} />
export const MinerPage = () => <PlannedFeature page={MINER} />
export const ValidatorPage = () => <PlannedFeature page={VALIDATOR} />
export const ModelsPage = () => <PlannedFeature page={MODELS} />
