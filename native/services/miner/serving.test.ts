import { describe, expect, it } from 'vitest'
import type { AxonInfoOnChain, ChainPort } from './ports'
import { ensureServed } from './serving'

function chainPort(loopback: boolean): ChainPort & { served: Array<{ ip: string; port: number }> } {
  let axon: AxonInfoOnChain | undefined
  const served: Array<{ ip: string; port: number }> = []
  return {
    loopback,
    served,
    axonInfo: async () => axon,
    async serveAxon(_netuid, p) {
      served.push({ ip: p.ip, port: p.port })
      axon = { ip: p.ip, port: p.port, version: p.version, block: 1 }
    },
  }
}

describe('publishing the axon address', () => {
  it('refuses a loopback address on a real chain (subtensor is_valid_ip_address rejects 127.0.0.1)', async () => {
    await expect(ensureServed(chainPort(false), 5, 'hk', '127.0.0.1', 8091)).rejects.toThrow(/loopback address cannot be published/)
  })

  it('publishes 127.0.0.1 on the practice network, whose operator places it for validators on this machine', async () => {
    const chain = chainPort(true)
    expect(await ensureServed(chain, 5, 'hk', '127.0.0.1', 8091)).toEqual({ action: 'served', ip: '127.0.0.1', port: 8091 })
    expect(await ensureServed(chain, 5, 'hk', '127.0.0.1', 8091)).toEqual({ action: 'unchanged', ip: '127.0.0.1', port: 8091 })
    expect(chain.served).toEqual([{ ip: '127.0.0.1', port: 8091 }])
  })
})
