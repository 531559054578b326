import { DevnetNode, PRACTICE_NETUID, startDevnetServer } from '../../bittensor/devnet'
import type { Command } from '../command'
import { parseIntOption, plainFlags, writeJson } from '../command'

export const devnetCommand: Command = {
  name: 'devnet',
  summary: 'Run the practice chain (no real TAO) on a local WebSocket port.',
  usage: `taodesk devnet [--port 9944] [--block-time MS] [--tempo N] [--commit-reveal] [--json]

  --port N          WebSocket port (default 9944); 0 picks a free one
  --block-time MS   milliseconds between blocks (default 1000); 0 = only on demand
  --tempo N         blocks per epoch on netuid ${PRACTICE_NETUID} (default 20)
  --commit-reveal   require commit-reveal (v2) for weights on netuid ${PRACTICE_NETUID}
  --json            print {url, port, genesisHash} as JSON

Dev accounts //Alice .. //Ferdie hold 1,000,000 TAO each; //Alice is sudo and owns netuid ${PRACTICE_NETUID}.
Connect with: taodesk chain info --url ws://127.0.0.1:9944`,
  options: plainFlags({ string: ['port', 'block-time', 'tempo'], boolean: ['commit-reveal', 'json'] }),
  async run(values, _positionals, io) {
    const port = parseIntOption(values.port, 'port', 0, 65535) ?? 9944
    const blockTimeMs = parseIntOption(values['block-time'], 'block-time', 0, 600_000) ?? 1000
    const tempo = parseIntOption(values.tempo, 'tempo', 1, 65535) ?? 20
    const node = await DevnetNode.create({ blockTimeMs, tempo, commitReveal: values['commit-reveal'] === true })
    const server = await startDevnetServer(node, { port })
    if (values.json) writeJson(io, { url: server.url, port: server.port, genesisHash: node.genesisHash, tempo, blockTimeMs })
    else io.stdout.write(`Practice devnet at ${server.url} (genesis ${node.genesisHash}), block time ${blockTimeMs} ms, tempo ${tempo}. Ctrl+C to stop.\n`)
    await io.interrupted
    node.dispose()
    await server.close()
    return 0
  },
}
