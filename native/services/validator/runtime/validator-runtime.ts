/**
 * The real validator runtime: the metagraph and hyperparameters from the chain client of the
 * network the user picked (the engine's ChainService), weights through the Bittensor layer's
 * weights operations on that client (bittensor/chain/ops/weights: rate limit checked first;
 * commit-reveal v2 commits persisted in the chain store, where the ChainService reveals them on
 * time, every block, across restarts), and the validator's wallet hotkey as the
 * dendrite's signer. Update leases keep the updater from restarting mid-round or while a commit
 * waits for its reveal.
 */
import { ChainError } from '../../../bittensor/chain/chain-client'
import type { ChainClient } from '../../../bittensor/chain/chain-client'
import { commitRevealMode, commitWeights, findCommit, pendingCommitsOf, revealWeights, setWeights } from '../../../bittensor/chain/ops/weights'
import type { ChainService } from '../../chain'
import type { ValidatorStatus } from '../../../contract/validator'
import type { Logger } from '../../../platform/logging'
import type { SafetyLease, UpdateSafetyGate } from '../../updater'
import type { WalletService } from '../../wallet'
import { loadWalletHotkey } from '../../../bittensor/keys/hotkey'
import type { WalletHotkey } from '../../../bittensor/keys/hotkey'
import { defaultValidatorWallet } from '../default-wallet'
import type { Signer } from '../../../bittensor/keys/signer'
import type { ValidatorRuntime } from '../validator-handlers'
import type { MetagraphSource, MetagraphView, WeightSetter, WeightTxResult } from '../validator-service'

export interface ValidatorIdentity {
  /** Wallet name; empty = no wallet chosen (the validator then signs with a temporary key and says so). */
  readonly wallet: string
  readonly hotkey: string
}

export interface ValidatorRuntimeDeps {
  readonly chain: ChainService
  readonly wallet: WalletService
  readonly log: Logger
  readonly safetyGate: UpdateSafetyGate
  /** The wallet and hotkey in the validator settings, read at each round. */
  readonly identity: () => ValidatorIdentity
  /** For btcli's BT_PW_ hotkey passwords (default process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** How often to look whether pending commits were revealed (default 5 s). */
  readonly commitPollMs?: number
}

export interface RealValidatorRuntime extends ValidatorRuntime {
  /** Feed every `validator.status` here: a round in progress holds an update lease. */
  onStatus(s: ValidatorStatus): void
  /** Feed `chain.status` here: after the chain service reveals, the reveal lease is let go at once. */
  onChainStatus(): void
  /** The selected network's chain started over (message in words). */
  onChainReset(listener: (message: string) => void): { dispose(): void }
  dispose(): void
}

/** The chain's metagraph in the shape the validator service reads (index = uid). */
export async function loadChainMetagraph(client: ChainClient, netuid: number): Promise<MetagraphView> {
  const [mg, hp, timing] = await Promise.all([client.metagraph(netuid), client.hyperparameters(netuid), client.epochTiming(netuid)])
  const n = mg.neurons.reduce((m, x) => Math.max(m, x.uid + 1), 0)
  const hotkeys = new Array<string>(n).fill('')
  const axons = Array.from({ length: n }, () => ({ ip: '0.0.0.0', port: 0 }))
  const stake = new Array<number>(n).fill(0)
  const validatorPermit = new Array<boolean>(n).fill(false)
  const consensus = new Array<number>(n).fill(0)
  const lastUpdate = new Array<number>(n).fill(0)
  for (const x of mg.neurons) {
    hotkeys[x.uid] = x.hotkey
    axons[x.uid] = x.axon.serving ? { ip: x.axon.ip, port: x.axon.port } : { ip: '0.0.0.0', port: 0 }
    stake[x.uid] = x.stake
    validatorPermit[x.uid] = x.validatorPermit
    consensus[x.uid] = x.consensus
    lastUpdate[x.uid] = x.lastUpdate
  }
  return {
    netuid,
    block: mg.block,
    hotkeys,
    axons,
    stake,
    validatorPermit,
    consensus,
    lastUpdate,
    hyperparameters: {
      tempo: hp.tempo,
      weightsRateLimit: hp.weightsRateLimit,
      weightsVersionKey: hp.weightsVersionKey,
      minAllowedWeights: hp.minAllowedWeights,
      maxWeightLimit: hp.maxWeightsLimit / 65535,
      commitReveal: commitRevealMode(client, hp),
      revealPeriodEpochs: hp.revealPeriodEpochs,
    },
    epoch: timing.epochIndex,
  }
}

function failure(error: unknown): WeightTxResult {
  if (error instanceof ChainError) return { ok: false, message: `${error.message} (${error.code})` }
  return { ok: false, message: error instanceof Error ? error.message : String(error) }
}

export function createValidatorRuntime(deps: ValidatorRuntimeDeps): RealValidatorRuntime {
  const log = deps.log
  let loaded: { key: string; hotkey: WalletHotkey; unregister: () => void } | undefined
  let roundLease: { lease: SafetyLease; round: number | null } | undefined
  let commitLease: SafetyLease | undefined
  let commitTimer: NodeJS.Timeout | undefined
  let disposed = false

  const hotkey = async (): Promise<WalletHotkey | undefined> => {
    const id = deps.identity()
    if (!id.wallet) {
      loaded?.unregister()
      loaded?.hotkey.dispose()
      loaded = undefined
      return undefined
    }
    const key = `${deps.wallet.directory()}|${id.wallet}|${id.hotkey}`
    if (loaded?.key === key) return loaded.hotkey
    const hk = await loadWalletHotkey({ walletsDir: deps.wallet.directory(), wallet: id.wallet, hotkey: id.hotkey, env: deps.env }).catch((error: unknown) => {
      log.warn('The validator hotkey could not be loaded', { wallet: id.wallet, hotkey: id.hotkey, error: error instanceof Error ? error.message : String(error) })
      throw error
    })
    loaded?.unregister()
    loaded?.hotkey.dispose()
    // The chain service reveals this hotkey's commits with it.
    loaded = { key, hotkey: hk, unregister: deps.chain.registerHotkeySigner(hk) }
    log.info('Validator hotkey loaded', { wallet: id.wallet, hotkey: id.hotkey, address: hk.address })
    return hk
  }

  const requireHotkey = async (): Promise<WalletHotkey> => {
    const hk = await hotkey()
    if (!hk) throw new ChainError('Client.NoHotkey', 'No validator wallet is set: choose the wallet and hotkey to validate with (validator settings, or --wallet/--hotkey).')
    return hk
  }

  /** Holds an update lease while one of our commits waits for its reveal. */
  const checkCommits = async (): Promise<void> => {
    if (disposed) return
    let pending = 0
    try {
      const hk = loaded?.hotkey
      const client = hk ? await deps.chain.client() : undefined
      pending = hk && client ? pendingCommitsOf(client, hk.address).length : 0
    } catch {
      pending = commitLease ? 1 : 0 // offline: keep what we had
    }
    if (pending > 0 && !commitLease) commitLease = deps.safetyGate.acquire('validator', 'weights committed, reveal pending')
    if (pending === 0 && commitLease) {
      commitLease.release()
      commitLease = undefined
    }
    if (commitLease && !commitTimer) {
      commitTimer = setInterval(() => void checkCommits(), deps.commitPollMs ?? 5000)
      commitTimer.unref()
    } else if (!commitLease && commitTimer) {
      clearInterval(commitTimer)
      commitTimer = undefined
    }
  }

  const chainMetagraph: MetagraphSource = {
    label: 'chain',
    async load(netuid) {
      const client = await deps.chain.client()
      return loadChainMetagraph(client, netuid)
    },
    async currentBlock() {
      return (await deps.chain.client()).blockNumber()
    },
  }

  const weightSetter: WeightSetter = {
    async setWeights(p) {
      try {
        const hk = await requireHotkey()
        const client = await deps.chain.client()
        const r = await setWeights(client, hk, p.netuid, { uids: p.uids, weights: p.values, versionKey: BigInt(p.versionKey) })
        return { ok: true, message: `Weights set for ${p.uids.length} uids in block ${r.blockNumber}.`, block: r.blockNumber }
      } catch (error) {
        if (error instanceof ChainError && error.code === 'SubtensorModule.CommitRevealEnabled') {
          return { ok: false, message: `Subnet ${p.netuid} switched commit-reveal on; the next round commits its weights instead.` }
        }
        return failure(error)
      }
    },

    async commitWeights(p) {
      try {
        if (!p.uids || !p.values || !p.salt || p.versionKey === undefined) {
          return { ok: false, message: 'A commit needs its uids, values, salt and version key so that it can be revealed later.' }
        }
        const hk = await requireHotkey()
        const client = await deps.chain.client()
        const weights = { uids: p.uids, weights: p.values, versionKey: BigInt(p.versionKey) }
        const r = await commitWeights(client, hk, p.netuid, weights, { salt: p.salt, expectedHash: p.commitHash })
        await checkCommits()
        return { ok: true, message: `Committed in block ${r.blockNumber}; TaoDesk reveals it in blocks ${r.revealFrom}–${r.revealUntil} (keep it running until then).`, block: r.blockNumber }
      } catch (error) {
        return failure(error)
      }
    },

    async revealOutcome(p) {
      const hk = await requireHotkey()
      const client = await deps.chain.client()
      const c = findCommit(client, hk.address, p.netuid, { uids: p.uids, weights: p.values, salt: p.salt, versionKey: BigInt(p.versionKey) })
      if (!c) return { state: 'unknown', message: 'TaoDesk has no record of this commit.' }
      if (c.status === 'pending') return { state: 'pending', message: `Reveal due in blocks ${c.revealFrom}–${c.revealUntil}.` }
      if (c.status === 'revealed') return { state: 'revealed', message: `Revealed (committed in block ${c.commitBlock}).` }
      return { state: c.status, message: c.error ?? `The commit of block ${c.commitBlock} was not revealed.` }
    },

    async revealWeights(p) {
      try {
        const hk = await requireHotkey()
        const client = await deps.chain.client()
        const r = await revealWeights(client, hk, p.netuid, { uids: p.uids, weights: p.values, salt: p.salt, versionKey: BigInt(p.versionKey) })
        return { ok: true, message: `Revealed in block ${r.blockNumber}.`, block: r.blockNumber }
      } catch (error) {
        return failure(error)
      }
    },
  }

  const signer = async (): Promise<Signer | undefined> => {
    const hk = await hotkey()
    void checkCommits()
    return hk
  }

  return {
    chainMetagraph,
    weightSetter,
    signer,
    network: () => deps.chain.network,
    defaultWallet(hotkeyName) {
      try {
        return defaultValidatorWallet(deps.wallet.list().wallets, hotkeyName)
      } catch {
        return undefined // an unreadable wallets folder: no default (the round says what it signs with)
      }
    },
    onStatus(s) {
      const busy = s.phase !== 'idle' && s.phase !== 'waiting'
      if (busy && !disposed) {
        if (roundLease && roundLease.round === s.currentRoundId) return
        const next = deps.safetyGate.acquire('validator', s.currentRoundId !== null ? `round ${s.currentRoundId} in progress` : 'round starting')
        roundLease?.lease.release()
        roundLease = { lease: next, round: s.currentRoundId }
      } else if (roundLease) {
        roundLease.lease.release()
        roundLease = undefined
      }
    },
    onChainStatus() {
      if (commitLease) void checkCommits()
    },
    onChainReset(listener) {
      return deps.chain.onReset((r) => listener(r.message))
    },
    dispose() {
      disposed = true
      if (commitTimer) clearInterval(commitTimer)
      roundLease?.lease.release()
      commitLease?.release()
      loaded?.unregister()
      loaded?.hotkey.dispose()
      loaded = undefined
    },
  }
}
