import { ChainClient, ChainError, OWNER_HYPERPARAMETERS, emissionStarted, extrinsicFee, networkLockInfo, ownerHyperparameter, registerNetwork, registerNetworkExtrinsic, setOwnerHyperparameter, startCall } from '../../bittensor/chain'
import type { NetworkId, SubnetIdentity, TxStatus } from '../../bittensor/chain'
import { formatTao } from '../../contract'
import { EMBEDDING_DECLARATION, protocolCompatibility } from '../../protocols/text-embedding/identity'
import type { Command } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'
import { hotkeyAddress, parseTaoRequired, signerFrom } from './chain'

const SUBCOMMANDS = ['cost', 'create', 'start', 'set'] as const

function identityFrom(values: Record<string, string | boolean | undefined>): SubnetIdentity {
  const text = (name: string): string => (typeof values[name] === 'string' ? values[name] : '')
  const name = text('name')
  if (!name) throw new UsageError('--name is required: the name people see for your subnet')
  return { name, githubRepo: text('repo'), contact: text('contact'), url: text('url'), discord: '', description: text('description'), logoUrl: '', additional: EMBEDDING_DECLARATION }
}

export const subnetCommand: Command = {
  name: 'subnet',
  summary: 'Create an embedding subnet you own: its cost, registration, starting emission, owner hyperparameters.',
  usage: `taodesk subnet <${SUBCOMMANDS.join('|')}> [options]

  cost                what creating a subnet locks now, the fee, and when the next one is allowed
  create              register_network with an identity declaring the text-embedding protocol
                      (${EMBEDDING_DECLARATION}), then start_call so it earns emission
  start               start_call for a subnet created with --no-start
  set                 an owner hyperparameter: --param ${OWNER_HYPERPARAMETERS.map((h) => h.key).join('|')} --value V

  --network NAME      finney, test, local (default) or custom;  --url URL  a node's ws:// or wss:// URL
  --uri //Name        the owner's coldkey (dev URI, practice network)
  --hotkey ADDRESS | --hotkey-uri //Name   the owner hotkey (becomes uid 0)
  --max-lock TAO      create: refuse when the lock is above this (required)
  --name --repo --description --contact --url-field   create: the identity
  --no-start          create: leave emission off (start later with \`taodesk subnet start\`)
  --netuid N          start / set: the subnet
  --json              machine-readable output`,
  options: plainFlags({ string: ['network', 'url', 'uri', 'hotkey', 'hotkey-uri', 'max-lock', 'name', 'repo', 'description', 'contact', 'url-field', 'netuid', 'param', 'value'], boolean: ['json', 'no-start'] }),
  async run(values, positionals, io) {
    const sub = positionals[0]
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`say what to do: ${SUBCOMMANDS.join(', ')}`)
    const url = typeof values.url === 'string' ? values.url : undefined
    const network = (url ? 'custom' : (values.network ?? 'local')) as NetworkId
    const json = values.json === true
    const out = (value: unknown, text: string): number => {
      if (json) writeJson(io, value)
      else io.stdout.write(`${text}\n`)
      return 0
    }
    const progress = (s: TxStatus): void => {
      if (!json) io.stderr.write(`  … ${s.stage}${'blockHash' in s ? ` ${s.blockHash}` : ''}\n`)
    }
    const client = await ChainClient.connect({ network, customUrl: url, timeoutMs: 15_000 })
    try {
      if (sub === 'cost') {
        const info = await networkLockInfo(client)
        const who = typeof values.uri === 'string' ? (await signerFrom(values)).address : null
        const fee = who ? await extrinsicFee(client, who, registerNetworkExtrinsic(client, who, { name: 'x', githubRepo: '', contact: '', url: '', discord: '', description: '', logoUrl: '', additional: EMBEDDING_DECLARATION })) : null
        const wait = info.blocksUntilAllowed > 0 ? ` The chain allows the next subnet in ${info.blocksUntilAllowed} blocks.` : ''
        return out({ lockRao: String(info.lockRao), minLockRao: String(info.minLockRao), feeRao: fee === null ? null : String(fee), blocksUntilAllowed: info.blocksUntilAllowed }, `Creating a subnet locks ${formatTao(info.lockRao)} TAO now (at least ${formatTao(info.minLockRao)})${fee === null ? '' : `, plus a fee of about ${formatTao(fee)} TAO`}.${wait}`)
      }
      if (sub === 'create') {
        const signer = await signerFrom(values)
        const hotkey = await hotkeyAddress(values)
        const identity = identityFrom({ ...values, url: values['url-field'] })
        const r = await registerNetwork(client, signer, hotkey, identity, parseTaoRequired(values['max-lock'], 'max-lock'), progress)
        const started = values['no-start'] === true ? false : (await startCall(client, signer, r.netuid, progress), true)
        const verdict = protocolCompatibility(await client.subnetIdentity(r.netuid)).verdict
        return out(
          { ok: true, netuid: r.netuid, lockRao: r.lockRao, blockNumber: r.blockNumber, emissionStarted: started, protocol: verdict },
          `Created subnet ${r.netuid} for a lock of ${formatTao(BigInt(r.lockRao))} TAO (block #${r.blockNumber}); its identity declares the text-embedding protocol.${started ? ' Emission starts with the next block.' : ' Emission is off until `taodesk subnet start`.'}`,
        )
      }
      const netuid = parseIntOption(values.netuid, 'netuid', 1, 65535)
      if (netuid === undefined) throw new UsageError('--netuid is required')
      const signer = await signerFrom(values)
      if (sub === 'start') {
        if (await emissionStarted(client, netuid)) return out({ ok: true, netuid, skipped: true }, `Subnet ${netuid} already earns emission; nothing sent.`)
        const r = await startCall(client, signer, netuid, progress)
        return out({ ok: true, netuid, blockNumber: r.blockNumber }, `Emission of subnet ${netuid} starts with block #${r.blockNumber + 1}.`)
      }
      const h = ownerHyperparameter(String(values.param ?? ''))
      if (!h) throw new UsageError(`--param must be one of ${OWNER_HYPERPARAMETERS.map((x) => x.key).join(', ')}`)
      const raw = String(values.value ?? '')
      const value = h.kind === 'boolean' ? ['true', 'on', '1'].includes(raw) : parseIntOption(raw, 'value', h.min ?? 0, h.max ?? 65535)!
      const r = await setOwnerHyperparameter(client, signer, netuid, h, value, progress)
      return out({ ok: true, netuid, param: h.key, value, blockNumber: r.blockNumber }, `${h.label} of subnet ${netuid} set to ${String(value)} (block #${r.blockNumber}).`)
    } catch (error) {
      if (error instanceof ChainError) {
        const message = ownerErrorText(error)
        if (json) writeJson(io, { ok: false, error: { code: error.code, message } })
        else io.stderr.write(`taodesk subnet ${sub}: ${message}\n`)
        return 1
      }
      throw error
    } finally {
      await client.release()
    }
  },
}

/** BadOrigin is the chain's word for "this key may not do that". */
export function ownerErrorText(error: ChainError): string {
  if (/BadOrigin/.test(error.message)) return 'Only the subnet owner’s coldkey may do this (the chain answered BadOrigin). Sign with the coldkey that created the subnet.'
  if (error.code.endsWith('AdminActionProhibitedDuringWeightsWindow')) return 'The chain refuses owner changes in the last blocks before an epoch. Try again after the next epoch.'
  if (error.code.endsWith('TxRateLimitExceeded')) return 'This hyperparameter was changed recently; the chain allows one change per two tempos. Try again later.'
  if (error.code.endsWith('CannotAffordLockCost')) return 'The coldkey cannot pay the lock. Fund it first.'
  return error.message
}
