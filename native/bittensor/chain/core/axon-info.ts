/** AxonInfo as the chain stores it (JSON of the SCALE codec), and its view with a readable IP. */
import type { NeuronRow } from '../types'
import { decodeIp } from './ip'

export interface AxonJson {
  readonly block: number
  readonly version: number
  readonly ip: number | string
  readonly port: number
  readonly ipType: number
  readonly protocol: number
}

export function axonView(a: AxonJson | undefined): NeuronRow['axon'] {
  if (!a) return { ip: '0.0.0.0', port: 0, ipType: 4, version: 0, serving: false }
  const ip = decodeIp(BigInt(a.ip), a.ipType)
  return { ip, port: a.port, ipType: a.ipType, version: a.version, serving: ip !== '0.0.0.0' && ip !== '::' }
}
