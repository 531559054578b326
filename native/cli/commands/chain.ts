import { ChainClient, ChainError, devSigner } from '../../bittensor/chain'
import type { NetworkId, TxStatus } from '../../bittensor/chain'
import { formatTao } from '../../contract'
import { subnetRefusal, withProtocol } from '../../services/chain'
import type { Command, CommandIo } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'

const NETWORKS: readonly NetworkId[] = ['finney', 'test', 'local', 'custom']
const SUBCOMMANDS = ['info', 'subnets', 'metagraph', 'hyperparameters', 'balance', 'register', 'serve-axon', 'set-weights', 'stake', 'advance', 'set-identity'] as const

function parseTao(value: string | boolean | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !/^\d+(\.\d{1,9})?$/.test(value)) throw new UsageError(`--${name} must be an amount of TAO such as 1 or 0.25`)
  const [w, f = ''] = value.split('.')
  return BigInt(w!) * 1_000_000_000n + BigInt(f.padEnd(9, '0'))
}

function parseScores(value: string | boolean | undefined): Array<{ uid: number; score: number }> {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError('--weights is required, e.g. --weights 0:1,3:0.5')
  return value.split(',').map((part) => {
    const m = /^\s*(\d+)\s*:\s*([0-9]*\.?[0-9]+(?:e-?\d+)?)\s*$/i.exec(part)
    if (!m) throw new UsageError(`--weights entry "${part}" must be uid:score`)
    return { uid: Number(m[1]), score: Number(m[2]) }
  })
}

export const chainCommand: Command = {
  name: 'chain',
  summary: 'Read the Bittensor chain and send registration, axon and weight transactions.',
  usage: `taodesk chain <${SUBCOMMANDS.join('|')}> [options]

  --network NAME      finney, test, local (default) or custom
  --url URL           a node's ws:// or wss:// URL (implies --network custom)
  --netuid N          subnet (default 5)
  --uri //Name        dev signing key (practice network only): coldkey for register/stake, hotkey otherwise
  --hotkey ADDRESS    hotkey to register or stake to (default: the --hotkey-uri address)
  --hotkey-uri //Name dev hotkey URI
  --max-price TAO     register: refuse above this price (required; enforced by the chain with
                      register_limit, else checked just before sending)
  --force             register: go on although the subnet's identity does not declare the
                      text-embedding protocol (see \`taodesk chain subnets\`)
  --name --repo --description --additional   set-identity (subnet owner, --uri): the subnet's
                      SubnetIdentitiesV3 record (fields left out are written empty)
  --ip IP --port N    serve-axon: the axon's public address
  --weights LIST      set-weights: uid:score pairs, e.g. 0:1,2:0.5
  --version-key N     set-weights: version key (default 0)
  --amount TAO        stake: amount
  --blocks N          advance: produce N blocks (practice network); --epoch: until the next epoch ran
  --json              machine-readable output`,
  options: plainFlags({ string: ['network', 'url', 'netuid', 'uri', 'hotkey', 'hotkey-uri', 'max-price', 'ip', 'port', 'weights', 'version-key', 'amount', 'blocks', 'address', 'name', 'repo', 'description', 'additional'], boolean: ['epoch', 'json', 'force'] }),
  async run(values, positionals, io) {
    const sub = positionals[0]
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`say what to do: ${SUBCOMMANDS.join(', ')}`)
    const url = typeof values.url === 'string' ? values.url : undefined
    const network = (url ? 'custom' : (values.network ?? 'local')) as NetworkId
    if (!NETWORKS.includes(network)) throw new UsageError(`--network must be one of ${NETWORKS.join(', ')}`)
    const netuid = parseIntOption(values.netuid, 'netuid', 0, 65535) ?? 5
    const json = values.json === true
    const client = await ChainClient.connect({ network, customUrl: url, timeoutMs: 15_000 })
    const progress = (s: TxStatus): void => {
      if (!json) io.stderr.write(`  … ${s.stage}${'blockHash' in s ? ` ${s.blockHash}` : ''}\n`)
    }
    try {
      return await runSub(sub, client, { values, netuid, json, io, progress })
    } catch (error) {
      if (error instanceof ChainError) {
        if (json) writeJson(io, { ok: false, error: { code: error.code, message: error.message } })
        else io.stderr.write(`taodesk chain ${sub}: ${error.message}\n`)
        return 1
      }
      throw error
    } finally {
      await client.release()
    }
  },
}

interface Ctx {
  readonly values: Record<string, string | boolean | undefined>
  readonly netuid: number
  readonly json: boolean
  readonly io: CommandIo
  readonly progress: (s: TxStatus) => void
}

export async function hotkeyAddress(values: Ctx['values']): Promise<string> {
  if (typeof values.hotkey === 'string') return values.hotkey
  if (typeof values['hotkey-uri'] === 'string') return (await devSigner(values['hotkey-uri'])).address
  throw new UsageError('--hotkey or --hotkey-uri is required')
}

export async function signerFrom(values: Ctx['values'], key: 'uri' | 'hotkey-uri' = 'uri') {
  const uri = values[key]
  if (typeof uri !== 'string') throw new UsageError(`--${key} is required to sign (a dev URI such as //Alice on the practice network)`)
  return devSigner(uri)
}

async function runSub(sub: string, client: ChainClient, ctx: Ctx): Promise<number> {
  const { values, netuid, json, io } = ctx
  const out = (value: unknown, text: string): number => {
    if (json) writeJson(io, value)
    else io.stdout.write(`${text}\n`)
    return 0
  }
  switch (sub) {
    case 'info': {
      const info = await client.info()
      return out(info, `${info.chain} (spec ${info.specVersion}) at ${info.endpoint}: block #${info.block}, finalized #${info.finalized}`)
    }
    case 'subnets': {
      const subnets = (await client.subnets()).map(withProtocol)
      return out(subnets, subnets.map((s) => `netuid ${s.netuid}: ${s.identity?.name || '(no identity)'}${s.identity?.githubRepo ? ` [${s.identity.githubRepo}]` : ''}, ${PROTOCOL_LABEL[s.protocol.verdict]}; ${s.neurons}/${s.maxNeurons} neurons, tempo ${s.tempo}, registration ${formatTao(BigInt(s.burn))} TAO`).join('\n'))
    }
    case 'hyperparameters': {
      const hp = await client.hyperparameters(netuid)
      return out(hp, Object.entries(hp).map(([k, v]) => `${k.padEnd(22)} ${String(v)}`).join('\n'))
    }
    case 'metagraph': {
      const mg = await client.metagraph(netuid)
      const lines = mg.neurons.map((n) => `${String(n.uid).padStart(4)} ${n.hotkey} stake ${n.stake.toFixed(4)} I ${n.incentive.toFixed(4)} D ${n.dividends.toFixed(4)} E ${n.emission.toFixed(4)} ${n.validatorPermit ? 'VP' : '  '} ${n.axon.serving ? `${n.axon.ip}:${n.axon.port}` : '-'}`)
      return out(mg, `netuid ${netuid} at block ${mg.block} (${mg.source}), ${mg.neurons.length} neurons\n${lines.join('\n')}`)
    }
    case 'balance': {
      const address = typeof values.address === 'string' ? values.address : (await signerFrom(values)).address
      const free = await client.balance(address)
      return out({ address, freeRao: String(free), free: formatTao(free) }, `${address}: ${formatTao(free)} TAO`)
    }
    case 'register': {
      const maxPrice = parseTaoRequired(values['max-price'], 'max-price')
      const signer = await signerFrom(values)
      const hotkey = await hotkeyAddress(values)
      const refusal = subnetRefusal({ network: client.network === 'custom' ? client.endpoint : client.network, netuid, identity: await client.subnetIdentity(netuid) }, 'register', values.force === true)
      if (refusal) throw new ChainError('Client.SubnetProtocolMismatch', `${refusal} Pass --force to register anyway.`)
      const r = await client.register(signer, netuid, hotkey, maxPrice, ctx.progress)
      const cap = r.capEnforcedByChain ? '' : ' This chain has no register_limit: the maximum price was checked just before sending, not enforced by the chain.'
      return out({ ok: true, ...r }, `Registered ${hotkey} on subnet ${netuid} as uid ${r.uid} for ${formatTao(BigInt(r.priceRao))} TAO (block #${r.blockNumber}).${cap}`)
    }
    case 'serve-axon': {
      const signer = await signerFrom(values, typeof values['hotkey-uri'] === 'string' ? 'hotkey-uri' : 'uri')
      if (typeof values.ip !== 'string') throw new UsageError('--ip is required')
      const port = parseIntOption(values.port, 'port', 1, 65535)
      if (port === undefined) throw new UsageError('--port is required')
      const r = await client.serveAxon(signer, netuid, { ip: values.ip, port }, ctx.progress)
      return out({ ok: true, skipped: r === null, result: r }, r === null ? 'The chain already has this axon; nothing sent.' : `Axon ${values.ip}:${port} published (block #${r.blockNumber}).`)
    }
    case 'set-weights': {
      const signer = await signerFrom(values, typeof values['hotkey-uri'] === 'string' ? 'hotkey-uri' : 'uri')
      const scores = parseScores(values.weights)
      const versionKey = BigInt(parseIntOption(values['version-key'], 'version-key', 0, Number.MAX_SAFE_INTEGER) ?? 0)
      const r = await client.setWeights(signer, netuid, scores, versionKey, ctx.progress)
      return out({ ok: true, ...r }, `${r.mode === 'set' ? 'Weights set' : 'Weights committed (reveal pending)'} for uids ${r.uids.join(',')} at block #${r.result.blockNumber}.`)
    }
    case 'stake': {
      const signer = await signerFrom(values)
      const hotkey = await hotkeyAddress(values)
      const amount = parseTaoRequired(values.amount, 'amount')
      const r = await client.addStake(signer, hotkey, netuid, amount, ctx.progress)
      return out({ ok: true, ...r }, `Staked ${formatTao(amount)} TAO to ${hotkey} on subnet ${netuid} (block #${r.blockNumber}).`)
    }
    case 'set-identity': {
      const signer = await signerFrom(values)
      const text = (name: string): string => (typeof values[name] === 'string' ? values[name] : '')
      const fields = [text('name'), text('repo'), '', '', '', text('description'), '', text('additional')]
      const r = await client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(netuid, ...fields), signer, ctx.progress)
      return out({ ok: true, block: r.blockNumber }, `Identity of subnet ${netuid} set (block #${r.blockNumber}).`)
    }
    case 'advance': {
      const before = await client.blockNumber()
      let blocks = parseIntOption(values.blocks, 'blocks', 1, 10_000)
      if (values.epoch) blocks = (await client.epochTiming(netuid)).blocksUntilNextEpoch + 1
      if (!blocks) throw new UsageError('--blocks N or --epoch is required')
      try {
        await client.devnetProduceBlocks(blocks)
      } catch (error) {
        throw new ChainError('Client.NotDevnet', `Only the practice network can produce blocks on demand (${error instanceof Error ? error.message : String(error)}).`)
      }
      const after = await client.blockNumber()
      return out({ ok: true, from: before, to: after }, `Advanced from block #${before} to #${after}.`)
    }
    default:
      throw new UsageError(`unknown subcommand ${sub}`)
  }
}

const PROTOCOL_LABEL = { speaks: 'speaks the embedding protocol', 'does-not': 'does NOT speak the embedding protocol', unknown: 'embedding protocol unknown' } as const

export function parseTaoRequired(value: string | boolean | undefined, name: string): bigint {
  const v = parseTao(value, name)
  if (v === undefined) throw new UsageError(`--${name} is required`)
  return v
}
