/**
 * Creating and running a subnet on the practice devnet, as subtensor 14bc6f9f does it:
 * register_network(_with_identity), start_call, set_tempo and the admin-utils hyperparameter calls a
 * subnet owner may make. Root-only admin calls fail for a signed owner with BadOrigin, as
 * `ensure_root` makes them fail.
 */
import type { DecodedCall, SubtensorRuntime } from './runtime'
import { DispatchFail, EXISTENTIAL_DEPOSIT } from './runtime'

const SUB = 'SubtensorModule'
const ADMIN = 'AdminUtils'

const fail = (error: string, pallet = SUB): never => {
  throw new DispatchFail(pallet, error)
}
/** `DispatchError::BadOrigin` (not a module error): `ensure_root` / `ensure_subnet_owner` refused the signer. */
const badOrigin = (): never => {
  throw new DispatchFail('', 'BadOrigin')
}

/** `init_new_network` defaults (`subnets/subnet.rs:301-335`). */
const NEW_SUBNET_DEFAULTS = { maxAllowedUids: 256, maxAllowedValidators: 64, minAllowedWeights: 1, immunityPeriod: 5000 } as const

/** Owner-settable hyperparameters by admin-utils call, and the `Hyperparameter` rate-limit key each records. */
const OWNER_HYPERPARAMS: Readonly<Record<string, { item: string; key: string }>> = {
  // admin-utils lib.rs:457-483 (call_index 13)
  'adminUtils.sudoSetImmunityPeriod': { item: 'ImmunityPeriod', key: 'ImmunityPeriod' },
  // lib.rs:490-516 (call_index 14)
  'adminUtils.sudoSetMinAllowedWeights': { item: 'MinAllowedWeights', key: 'MinAllowedWeights' },
  // lib.rs:523-565 (call_index 15)
  'adminUtils.sudoSetMaxAllowedUids': { item: 'MaxAllowedUids', key: 'MaxAllowedUids' },
  // lib.rs:1199-1225 (call_index 49)
  'adminUtils.sudoSetCommitRevealWeightsEnabled': { item: 'CommitRevealWeightsEnabled', key: 'CommitRevealEnabled' },
}

/** Root-only in admin-utils: `sudo_set_tempo` (lib.rs:982-983), `sudo_set_weights_set_rate_limit` (lib.rs:374-379). */
const ROOT_ONLY = new Set(['adminUtils.sudoSetTempo', 'adminUtils.sudoSetWeightsSetRateLimit'])

type IdentityStruct = { get(name: string): { toU8a(isBare?: boolean): Uint8Array } | undefined }
const IDENTITY_STRUCT_FIELDS = ['subnetName', 'githubRepo', 'subnetContact', 'subnetUrl', 'discord', 'description', 'logoUrl', 'additional'] as const

export class SubnetOwnerCalls {
  constructor(
    private readonly rt: SubtensorRuntime,
    /** DefaultTempo: the practice chain's tempo setting plays the part of `INITIAL_SUBNET_TEMPO` (runtime lib.rs:960, 360 or 10 on fast-runtime). */
    private readonly defaultTempo: () => number,
  ) {}

  private get s() {
    return this.rt.state
  }

  /** Executes `call` when it is one of these; false when it is not. */
  dispatch(signer: string, call: DecodedCall): boolean {
    const key = `${call.section}.${call.method}`
    const a = call.args
    const num = (i: number): number => Number(a[i]!.toString())
    if (key === 'subtensorModule.registerNetwork') return this.registerNetwork(signer, a[0]!.toString(), null), true
    if (key === 'subtensorModule.registerNetworkWithIdentity') return this.registerNetwork(signer, a[0]!.toString(), identityBytes(a[1])), true
    if (key === 'subtensorModule.startCall') return this.startCall(signer, num(0)), true
    if (key === 'subtensorModule.setTempo') return this.setTempo(signer, num(0), num(1)), true
    if (ROOT_ONLY.has(key)) return badOrigin()
    const hp = OWNER_HYPERPARAMS[key]
    if (!hp) return false
    const value = a[1]!.toJSON() as number | boolean
    this.setHyperparameter(signer, num(0), hp, value)
    return true
  }

  /** `get_network_lock_cost` (coinbase/root.rs:502-532): twice the last lock, falling linearly over the reduction interval, at least the minimum. */
  lockCost(): bigint {
    const last = this.s.u64(SUB, 'NetworkLastLockCost')
    const min = this.s.u64(SUB, 'NetworkMinLockCost')
    const lastBlock = this.lastLockBlock()
    const interval = this.s.u64(SUB, 'NetworkLockReductionInterval')
    const mult = lastBlock === 0n ? 1n : 2n
    const reduction = (interval === 0n ? 0n : last / interval) * (BigInt(this.rt.block) - lastBlock)
    const cost = last * mult - reduction
    return cost < min ? min : cost
  }

  private lastLockBlock(): bigint {
    return this.s.u64(SUB, 'LastRateLimitedBlock', { NetworkLastRegistered: null })
  }

  /** `do_register_network` (subnets/subnet.rs:115-299), mechanism 1 (dTAO), without pruning (SubnetLimit is 128). */
  registerNetwork(coldkey: string, hotkey: string, identity: Uint8Array[] | null): void {
    const s = this.s
    const rt = this.rt
    // :122-127 the hotkey is new or owned by the signer.
    if (s.exists(SUB, 'Owner', hotkey) && s.get(SUB, 'Owner', hotkey).toString() !== coldkey) fail('NonAssociatedColdKey')
    const block = BigInt(rt.block)
    // :143 NetworkRegistrationStartBlock.
    if (block < s.u64(SUB, 'NetworkRegistrationStartBlock')) fail('SubNetRegistrationDisabled')
    // :146-150 rate limit (utils/rate_limiting.rs:29 NetworkRateLimit, :65-68 first registration always passes).
    const last = this.lastLockBlock()
    if (last !== 0n && block - last < s.u64(SUB, 'NetworkRateLimit')) fail('NetworkTxRateLimitExceeded')
    // :154-166 SubnetLimit (no pruning here: the practice chain never has that many).
    if (rt.netuids().filter((n) => n !== 0).length >= s.num(SUB, 'SubnetLimit')) fail('SubnetLimitReached')
    // :169-174 the lock.
    const lock = this.lockCost()
    if (rt.account(coldkey).free < lock + EXISTENTIAL_DEPOSIT) fail('CannotAffordLockCost')
    // :183-186 get_next_netuid (subnet.rs:56-65): the lowest free netuid from 1.
    const taken = new Set(rt.netuids())
    let netuid = 1
    while (taken.has(netuid)) netuid++
    const tempo = this.defaultTempo()
    rt.addSubnet({ netuid, owner: coldkey, tempo, commitReveal: false, weightsRateLimit: s.num(SUB, 'WeightsSetRateLimit', netuid) })
    // init_new_network (subnet.rs:301-335): stagger, explicit defaults; emission waits for start_call.
    s.set(SUB, 'LastEpochBlock', [netuid], block - BigInt(netuid % Math.max(tempo, 1)))
    s.set(SUB, 'MaxAllowedUids', [netuid], NEW_SUBNET_DEFAULTS.maxAllowedUids)
    s.set(SUB, 'MaxAllowedValidators', [netuid], NEW_SUBNET_DEFAULTS.maxAllowedValidators)
    s.set(SUB, 'MinAllowedWeights', [netuid], NEW_SUBNET_DEFAULTS.minAllowedWeights)
    s.set(SUB, 'ImmunityPeriod', [netuid], NEW_SUBNET_DEFAULTS.immunityPeriod)
    s.remove(SUB, 'FirstEmissionBlockNumber', netuid)
    s.set(SUB, 'SubtokenEnabled', [netuid], false)
    // :189-196 the lock moves to the subnet and is remembered for the next price.
    rt.setFree(coldkey, rt.account(coldkey).free - lock)
    s.set(SUB, 'NetworkLastLockCost', [], lock)
    s.set(SUB, 'LastRateLimitedBlock', [{ NetworkLastRegistered: null }], block)
    // :199-200 the owner's hotkey becomes uid 0 (append_neuron, subnets/uids.rs:109-131).
    this.appendOwnerNeuron(netuid, coldkey, hotkey, block)
    s.set(SUB, 'SubnetOwnerHotkey', [netuid], hotkey)
    s.set(SUB, 'NetworkRegisteredAt', [netuid], block)
    // :220-240 pool reserve = the whole lock.
    s.set(SUB, 'SubnetTAO', [netuid], lock)
    s.set(SUB, 'SubnetLocked', [netuid], lock)
    s.set(SUB, 'TotalStake', [], s.u64(SUB, 'TotalStake') + lock)
    // :255-262 the identity, checked by is_valid_subnet_identity (InvalidIdentity), SubnetIdentitySet.
    if (identity) rt.setSubnetIdentity(coldkey, netuid, identity)
    // :275 NetworkAdded(netuid, mechid).
    this.emit('NetworkAdded', [netuid, 1])
  }

  private appendOwnerNeuron(netuid: number, coldkey: string, hotkey: string, block: bigint): void {
    const s = this.s
    if (!s.exists(SUB, 'Owner', hotkey)) {
      s.set(SUB, 'Owner', [hotkey], coldkey)
      const owned = (s.get(SUB, 'OwnedHotkeys', coldkey) as unknown as Array<{ toString(): string }>).map(String)
      s.set(SUB, 'OwnedHotkeys', [coldkey], [...owned, hotkey])
    }
    s.set(SUB, 'SubnetworkN', [netuid], 1)
    s.set(SUB, 'Keys', [netuid, 0], hotkey)
    s.set(SUB, 'Uids', [netuid, hotkey], 0)
    s.set(SUB, 'BlockAtRegistration', [netuid, 0], block)
    s.set(SUB, 'LastUpdate', [netuid], [block])
    s.set(SUB, 'Active', [netuid], [true])
    s.set(SUB, 'ValidatorPermit', [netuid], [false])
    s.set(SUB, 'Emission', [netuid], [0n])
    for (const item of ['Consensus', 'Incentive', 'Dividends', 'ValidatorTrust']) s.set(SUB, item, [netuid], [0])
  }

  /** `do_start_call` (subnets/subnet.rs:374-399): owner only, once, after StartCallDelay; emission from the next block. */
  startCall(coldkey: string, netuid: number): void {
    const s = this.s
    if (!this.rt.subnetExists(netuid)) fail('SubnetNotExists')
    this.ensureOwner(coldkey, netuid)
    if (s.exists(SUB, 'FirstEmissionBlockNumber', netuid)) fail('FirstEmissionBlockNumberAlreadySet')
    const block = BigInt(this.rt.block)
    if (block < s.u64(SUB, 'NetworkRegisteredAt', netuid) + s.u64(SUB, 'StartCallDelay')) fail('NeedWaitingMoreBlocksToStarCall')
    s.set(SUB, 'FirstEmissionBlockNumber', [netuid], block + 1n)
    s.set(SUB, 'SubtokenEnabled', [netuid], true)
    this.emit('FirstEmissionBlockNumberSet', [netuid, block + 1n])
  }

  /** `do_set_tempo` (coinbase/tempo_control.rs:12-33): owner, MinTempo..=MaxTempo, freeze window, once per MinTempo blocks, cycle reset. */
  setTempo(coldkey: string, netuid: number, tempo: number): void {
    this.ensureOwner(coldkey, netuid)
    const consts = this.rt.codec.decorated.consts.subtensorModule as unknown as Record<string, { toString(): string }>
    const min = Number(consts.minTempo!.toString())
    const max = Number(consts.maxTempo!.toString())
    if (tempo < min || tempo > max) fail('TempoOutOfBounds')
    this.ensureAdminWindowOpen(netuid)
    const last = this.lastTx(coldkey, netuid, 'TempoUpdate')
    const block = BigInt(this.rt.block)
    if (last !== 0n && block - last < BigInt(min)) fail('TxRateLimitExceeded')
    this.s.set(SUB, 'Tempo', [netuid], tempo)
    this.s.set(SUB, 'LastEpochBlock', [netuid], block)
    this.setLastTx(coldkey, netuid, 'TempoUpdate', block)
  }

  private lastTx(coldkey: string, netuid: number, type: 'TempoUpdate'): bigint {
    return this.s.u64(SUB, 'TransactionKeyLastBlock', coldkey, netuid, TX_TYPE[type])
  }

  private setLastTx(coldkey: string, netuid: number, type: 'TempoUpdate', block: bigint): void {
    this.s.set(SUB, 'TransactionKeyLastBlock', [coldkey, netuid, TX_TYPE[type]], block)
  }

  /**
   * `ensure_sn_owner_or_root_with_limits` (utils/misc.rs:38-56) then `ensure_admin_window_open`
   * (misc.rs:74-81), the value, then `record_owner_rl` (misc.rs:94-106). The owner may change each
   * hyperparameter once per OwnerHyperparamRateLimit tempos (rate_limiting.rs:44-47).
   */
  private setHyperparameter(coldkey: string, netuid: number, hp: { item: string; key: string }, value: number | boolean): void {
    const s = this.s
    this.ensureOwner(coldkey, netuid)
    const rlKey = { OwnerHyperparamUpdate: [netuid, hp.key] }
    const last = s.u64(SUB, 'LastRateLimitedBlock', rlKey)
    const limit = BigInt(s.num(SUB, 'Tempo', netuid)) * BigInt(s.num(SUB, 'OwnerHyperparamRateLimit'))
    const block = BigInt(this.rt.block)
    if (last !== 0n && block - last < limit) fail('TxRateLimitExceeded')
    this.ensureAdminWindowOpen(netuid)
    if (!this.rt.subnetExists(netuid)) fail('SubnetDoesNotExist', ADMIN)
    if (hp.item === 'MaxAllowedUids') {
      const v = Number(value)
      if (v < s.num(SUB, 'MinAllowedUids', netuid)) fail('MaxAllowedUidsLessThanMinAllowedUids', ADMIN)
      if (this.rt.n(netuid) > v) fail('MaxAllowedUIdsLessThanCurrentUIds', ADMIN)
      if (v > NEW_SUBNET_DEFAULTS.maxAllowedUids) fail('MaxAllowedUidsGreaterThanDefaultMaxAllowedUids', ADMIN)
    }
    s.set(SUB, hp.item, [netuid], value)
    s.set(SUB, 'LastRateLimitedBlock', [rlKey], block)
  }

  /** `ensure_subnet_owner` (utils/misc.rs:25-35): a signed origin other than SubnetOwner is BadOrigin. */
  private ensureOwner(coldkey: string, netuid: number): void {
    if (!this.s.exists(SUB, 'SubnetOwner', netuid) || this.s.get(SUB, 'SubnetOwner', netuid).toString() !== coldkey) badOrigin()
  }

  /** `is_in_admin_freeze_window` (utils/misc.rs:59-72): the last AdminFreezeWindow blocks before the next epoch. */
  private ensureAdminWindowOpen(netuid: number): void {
    const tempo = this.s.num(SUB, 'Tempo', netuid)
    if (tempo === 0) return
    const next = this.s.u64(SUB, 'LastEpochBlock', netuid) + BigInt(tempo)
    const now = BigInt(this.rt.block)
    const remaining = next > now ? next - now : 0n
    if (remaining < BigInt(this.s.num(SUB, 'AdminFreezeWindow'))) fail('AdminActionProhibitedDuringWeightsWindow')
  }

  private emit(name: string, fields: unknown[]): void {
    this.rt.emit(SUB, name, fields)
  }
}

/** `TransactionType` as u16 (utils/rate_limiting.rs `From<TransactionType> for u16`). */
const TX_TYPE = { TempoUpdate: 11 } as const

/** The eight fields of an `Option<SubnetIdentityV3>` argument as raw bytes; null for None. */
function identityBytes(arg: DecodedCall['args'][number] | undefined): Uint8Array[] | null {
  const opt = arg as unknown as { isSome: boolean; unwrap(): IdentityStruct }
  if (!opt?.isSome) return null
  const v = opt.unwrap()
  return IDENTITY_STRUCT_FIELDS.map((f) => v.get(f)?.toU8a(true) ?? new Uint8Array())
}
