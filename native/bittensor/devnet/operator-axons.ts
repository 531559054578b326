import type { DevnetNode } from './node'

/**
 * Writes an axon straight into `SubtensorModule.Axons`, as a chain spec's genesis storage (or a
 * root `system.set_storage`) would: the practice network's own demo miners listen on loopback,
 * which `serve_axon` refuses by design (subtensor `is_valid_ip_address` rejects 127.0.0.1), so
 * they are placed by the operator of the practice chain instead. The next block carries it.
 */
export function placeLoopbackAxon(node: DevnetNode, netuid: number, hotkey: string, axon: { port: number; version: number }): void {
  const ip = 0x7f000001n
  node.state.set('SubtensorModule', 'Axons', [netuid, hotkey], { block: node.bestNumber, version: axon.version, ip, port: axon.port, ipType: 4, protocol: 4, placeholder1: 0, placeholder2: 0 })
}
