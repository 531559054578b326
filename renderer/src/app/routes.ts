import {
  IconApi,
  IconChartLine,
  IconCpu,
  IconFileText,
  IconLayoutDashboard,
  IconNetwork,
  IconPick,
  IconScale,
  IconSettings,
  IconWallet,
} from '@tabler/icons-react'
import type { ComponentType } from 'react'

export type RouteId = 'dashboard' | 'subnet' | 'wallet' | 'miner' | 'validator' | 'subnet-dashboard' | 'subnet-api' | 'models' | 'logs' | 'settings'

export interface RouteDef {
  readonly id: RouteId
  readonly label: string
  readonly icon: ComponentType<{ size?: number; stroke?: number }>
}

export const ROUTES: readonly RouteDef[] = [
  { id: 'dashboard', label: 'Dashboard', icon: IconLayoutDashboard },
  { id: 'subnet', label: 'Subnet', icon: IconNetwork },
  { id: 'wallet', label: 'Wallet', icon: IconWallet },
  { id: 'miner', label: 'Miner', icon: IconPick },
  { id: 'validator', label: 'Validator', icon: IconScale },
  { id: 'subnet-dashboard', label: 'Subnet dashboard', icon: IconChartLine },
  { id: 'subnet-api', label: 'Subnet API', icon: IconApi },
  { id: 'models', label: 'Models', icon: IconCpu },
  { id: 'logs', label: 'Logs', icon: IconFileText },
  { id: 'settings', label: 'Settings', icon: IconSettings },
]

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '')
  return ROUTES.some((r) => r.id === id) ? (id as RouteId) : 'dashboard'
}
