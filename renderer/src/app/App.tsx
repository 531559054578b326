import { AppShell, Burger, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { Suspense, lazy } from 'react'
import type { ComponentType } from 'react'
import { Center, Loader } from '@mantine/core'
import { DashboardPage } from '../features/dashboard/DashboardPage'
import { NetworkPicker } from '../features/subnet/NetworkPicker'
import { ProtocolBadge } from '../features/subnet/SubnetIdentity'
import { useChosenSubnet } from '../features/subnet/use-chosen-subnet'
import { useConnectionState } from '../engine/engine-context'
import { ConnectionBadge } from './ConnectionBadge'
import { EngineOffline } from './EngineOffline'
import type { RouteId } from './routes'
import { ROUTES } from './routes'
import { ThemeSync } from './ThemeSync'
import { DiskFullBanner } from './DiskFullBanner'
import { PageLoadFailed } from './PageLoadFailed'
import { useHashRoute } from './use-hash-route'

// Pages other than the dashboard load on first visit, so charts and tables are not in the first download.
// A page whose code cannot be fetched (the engine stopped or restarted with a new access key) says so
// instead of blanking the whole app; reloading once the engine is back loads it.
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): ComponentType =>
  lazy<ComponentType>(async () => ({ default: await load().then((m) => m[name], () => PageLoadFailed) }))

const PAGES: Record<RouteId, ComponentType> = {
  dashboard: DashboardPage,
  subnet: page(() => import('../features/subnet/SubnetPage'), 'SubnetPage'),
  wallet: page(() => import('../features/wallet/WalletPage'), 'WalletPage'),
  miner: page(() => import('../features/miner/MinerPage'), 'MinerPage'),
  validator: page(() => import('../features/validator/ValidatorPage'), 'ValidatorPage'),
  'subnet-dashboard': page(() => import('../features/subnet-dashboard/SubnetDashboardPage'), 'SubnetDashboardPage'),
  'subnet-api': page(() => import('../features/subnet-api/SubnetApiPage'), 'SubnetApiPage'),
  models: page(() => import('../features/models/ModelsPage'), 'ModelsPage'),
  logs: page(() => import('../features/logs/LogsPage'), 'LogsPage'),
  settings: page(() => import('../features/settings/SettingsPage'), 'SettingsPage'),
}

/** The chosen subnet (the `netuid` setting), what its identity says it runs, and whether it speaks the embedding protocol. */
function SubnetHeading() {
  const subnet = useChosenSubnet()
  if (subnet.netuid === null) return null
  return (
    <Group gap={6} visibleFrom="sm" wrap="nowrap" data-testid="header-subnet">
      <Text size="sm" c="dimmed">
        Subnet {subnet.netuid}
        {subnet.identity?.name ? ` · ${subnet.identity.name}` : ''}
      </Text>
      {subnet.protocol && <ProtocolBadge protocol={subnet.protocol} size="xs" />}
    </Group>
  )
}

export function App() {
  const [route, navigate] = useHashRoute()
  const [opened, { toggle, close }] = useDisclosure()
  const connection = useConnectionState()
  const Page = PAGES[route]
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <ThemeSync />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={3} fw={700}>
              TaoDesk
            </Title>
            <SubnetHeading />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <NetworkPicker />
            <ConnectionBadge />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <AppShell.Section grow component={ScrollArea}>
          <nav aria-label="Main">
            {ROUTES.map((r) => (
              <NavLink
                key={r.id}
                href={`#/${r.id}`}
                label={r.label}
                leftSection={<r.icon size={18} stroke={1.6} />}
                active={route === r.id}
                data-testid={`nav-${r.id}`}
                onClick={(e) => {
                  e.preventDefault()
                  navigate(r.id)
                  close()
                }}
              />
            ))}
          </nav>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <DiskFullBanner />
        <EngineOffline state={connection} />
        <Suspense
          fallback={
            <Center h={200}>
              <Loader size="sm" />
            </Center>
          }
        >
          <Page />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  )
}
