import { u8aToHex } from '@polkadot/util'
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto'
import { commitHash } from '../chain/commit-hash'
import { runEpoch } from '../yuma'
import type { LiquidAlpha } from '../yuma'
import * as commitReveal from './commit-reveal'
import { drainPending, initialLastEpochBlock } from './epoch-scheduler'
import type { ChainCodec } from './codec'
import { CALL_WEIGHTS } from './fees'
import { neuronToPrune } from './pruning'
import { limitOrderAmount, MIN_STAKE, unstakeTooSmall } from './stake-limit'
import { ROOT_NETUID, stakeWeightsFor } from './stake-weights'
import type { StateStore } from './state'

const SUB = 'SubtensorModule'
export const EXISTENTIAL_DEPOSIT = 500n

/** A dispatch failure: a module error by name, as the real runtime reports it. */
export class DispatchFail extends Error {
  constructor(
    readonly pallet: string,
    readonly error: string,
  ) {
    super(`${pallet}.${error}`)
    this.name = 'DispatchFail'
  }
}

const fail = (error: string, pallet = SUB): never => {
  throw new DispatchFail(pallet, error)
}

export interface DecodedCall {
  readonly section: string
  readonly method: string
  /** Arguments as codecs, in metadata order. */
  readonly args: ReadonlyArray<{ toString(): string; toJSON(): unknown; toU8a(isBare?: boolean): Uint8Array }>
}

/** `SubnetIdentityV3` in SCALE field order, as text (subtensor `lib.rs:305`). */
export interface SubnetIdentityFields {
  readonly subnet_name: string
  readonly github_repo: string
  readonly subnet_contact: string
  readonly subnet_url: string
  readonly discord: string
  readonly description: string
  readonly logo_url: string
  readonly additional: string
}

/** Byte limits of each field (`utils/identity.rs:204-229`, `is_valid_subnet_identity`). */
const IDENTITY_LIMITS: Readonly<Record<keyof SubnetIdentityFields, number>> = {
  subnet_name: 256,
  github_repo: 1024,
  subnet_contact: 1024,
  subnet_url: 1024,
  discord: 256,
  description: 1024,
  logo_url: 1024,
  additional: 1024,
}
const IDENTITY_FIELDS = Object.keys(IDENTITY_LIMITS) as Array<keyof SubnetIdentityFields>

export interface SubnetGenesis {
  readonly netuid: number
  readonly owner: string
  readonly tempo: number
  readonly commitReveal: boolean
  readonly weightsRateLimit: number
}

/** Per-block alpha emission of a subnet in rao (practice value: 1 alpha per block). */
export const EMISSION_PER_BLOCK = 1_000_000_000n
/** Owner cut 11796 / 65535 (about 18 %). */
const OWNER_CUT_NUM = 11796n
const OWNER_CUT_DEN = 65535n
/** Burn price decays with a 360-block half-life and grows 1.26x per registration (spec §6.4). */
const BURN_HALF_LIFE = 360

export type EventSink = (pallet: string, name: string, fields: readonly unknown[]) => void

/**
 * SubtensorModule and Balances semantics of the practice devnet, on top of real storage.
 * Every rule named in spec §6 is enforced with the runtime's own error names.
 */
export class SubtensorRuntime {
  constructor(
    readonly codec: ChainCodec,
    readonly state: StateStore,
    readonly emit: EventSink,
  ) {}

  /** Subnet creation and owner calls (subnet-create.ts), attached by the node. */
  subnetOwnerCalls?: { dispatch(signer: string, call: DecodedCall): boolean }

  get block(): number {
    return this.state.num('System', 'Number')
  }

  // ---------- accounts and balances ----------
  account(who: string): { nonce: number; free: bigint } {
    const a = this.state.get('System', 'Account', who) as unknown as {
      nonce: { toNumber(): number }
      data: { free: { toBigInt(): bigint } }
    }
    return { nonce: a.nonce.toNumber(), free: a.data.free.toBigInt() }
  }

  private writeAccount(who: string, nonce: number, free: bigint): void {
    if (free === 0n && nonce === 0) {
      this.state.remove('System', 'Account', who)
      return
    }
    this.state.set('System', 'Account', [who], {
      nonce,
      consumers: 0,
      providers: free > 0n ? 1 : 0,
      sufficients: 0,
      data: { free, reserved: 0, frozen: 0, flags: 1n << 127n },
    })
  }

  setFree(who: string, free: bigint): void {
    const before = this.state.exists('System', 'Account', who)
    this.writeAccount(who, this.account(who).nonce, free)
    if (!before && free > 0n) {
      this.emit('System', 'NewAccount', [who])
      this.emit('Balances', 'Endowed', [who, free])
    }
    this.adjustIssuance()
  }

  bumpNonce(who: string): void {
    const a = this.account(who)
    this.writeAccount(who, a.nonce + 1, a.free)
  }

  private issuanceDirty = false
  private adjustIssuance(): void {
    this.issuanceDirty = true
  }

  recomputeIssuance(): void {
    if (!this.issuanceDirty) return
    this.issuanceDirty = false
    let total = 0n
    for (const [, v] of this.state.entriesWithPrefix(this.codec.prefix('System', 'Account'))) {
      const a = this.codec.decode('System', 'Account', v) as unknown as { data: { free: { toBigInt(): bigint } } }
      total += a.data.free.toBigInt()
    }
    this.state.set('Balances', 'TotalIssuance', [], total)
  }

  private withdraw(who: string, amount: bigint, error: string, pallet = SUB, keepAlive = true): void {
    const free = this.account(who).free
    if (free < amount) fail(error, pallet)
    const rest = free - amount
    if (keepAlive && rest < EXISTENTIAL_DEPOSIT) fail(pallet === 'Balances' ? 'Expendability' : error, pallet)
    this.setFree(who, rest)
  }

  transfer(from: string, to: string, value: bigint, keepAlive: boolean): void {
    const fromFree = this.account(from).free
    if (fromFree < value) fail('InsufficientBalance', 'Balances')
    if (keepAlive && fromFree - value < EXISTENTIAL_DEPOSIT) fail('Expendability', 'Balances')
    const toFree = this.account(to).free
    if (toFree + value < EXISTENTIAL_DEPOSIT) fail('ExistentialDeposit', 'Balances')
    this.setFree(from, fromFree - value)
    this.setFree(to, this.account(to).free + value)
    this.emit('Balances', 'Transfer', [from, to, value])
  }

  // ---------- subnets ----------
  subnetExists(netuid: number): boolean {
    return this.state.bool(SUB, 'NetworksAdded', netuid)
  }

  n(netuid: number): number {
    return this.state.num(SUB, 'SubnetworkN', netuid)
  }

  uidOf(netuid: number, hotkey: string): number | undefined {
    const v = this.state.maybe(SUB, 'Uids', netuid, hotkey) as unknown as { toNumber(): number } | undefined
    return v?.toNumber()
  }

  hotkeyOf(netuid: number, uid: number): string {
    return this.state.get(SUB, 'Keys', netuid, uid).toString()
  }

  private setVecAt(item: string, netuid: number, index: number, value: unknown, fill: unknown, kind: 'num' | 'big' | 'bool'): void {
    const vec: unknown[] =
      kind === 'num' ? this.state.vecNum(SUB, item, netuid) : kind === 'big' ? this.state.vecBig(SUB, item, netuid) : this.state.vecBool(SUB, item, netuid)
    while (vec.length <= index) vec.push(fill)
    vec[index] = value
    this.state.set(SUB, item, [netuid], vec)
  }

  addSubnet(g: SubnetGenesis): void {
    const { netuid } = g
    const s = this.state
    s.set(SUB, 'NetworksAdded', [netuid], true)
    s.set(SUB, 'TotalNetworks', [], s.num(SUB, 'TotalNetworks') + 1)
    s.set(SUB, 'SubnetOwner', [netuid], g.owner)
    s.set(SUB, 'SubnetOwnerHotkey', [netuid], g.owner)
    s.set(SUB, 'NetworkRegisteredAt', [netuid], 0)
    s.set(SUB, 'NetworkRegistrationAllowed', [netuid], true)
    s.set(SUB, 'Tempo', [netuid], g.tempo)
    s.set(SUB, 'LastEpochBlock', [netuid], initialLastEpochBlock(this.block, netuid, g.tempo))
    s.set(SUB, 'WeightsSetRateLimit', [netuid], g.weightsRateLimit)
    s.set(SUB, 'CommitRevealWeightsEnabled', [netuid], g.commitReveal)
    s.set(SUB, 'RevealPeriodEpochs', [netuid], 1)
    s.set(SUB, 'Kappa', [netuid], 32767)
    s.set(SUB, 'Rho', [netuid], 10)
    s.set(SUB, 'BondsMovingAverage', [netuid], 900_000)
    s.set(SUB, 'BondsPenalty', [netuid], 65535)
    s.set(SUB, 'ActivityCutoff', [netuid], 5000)
    s.set(SUB, 'ImmunityPeriod', [netuid], Math.max(4 * g.tempo, 20))
    s.set(SUB, 'MaxAllowedUids', [netuid], 64)
    s.set(SUB, 'MaxAllowedValidators', [netuid], 16)
    s.set(SUB, 'MinAllowedWeights', [netuid], 1)
    s.set(SUB, 'MaxWeightsLimit', [netuid], 65535)
    s.set(SUB, 'WeightsVersionKey', [netuid], 0)
    s.set(SUB, 'ServingRateLimit', [netuid], 5)
    s.set(SUB, 'Burn', [netuid], 100_000_000n)
    s.set(SUB, 'MinBurn', [netuid], 500_000n)
    s.set(SUB, 'MaxBurn', [netuid], 100_000_000_000n)
    s.set(SUB, 'MaxRegistrationsPerBlock', [netuid], 10)
    s.set(SUB, 'TargetRegistrationsPerInterval', [netuid], 10)
    s.set(SUB, 'AdjustmentInterval', [netuid], 100)
    // Practice subnets swap TAO and alpha 1:1 with no pool: subtensor's mechanism 0 ("stable"),
    // whose price is 1.0 (`pallets/swap/src/pallet/impls.rs:21-35`) and whose limit orders follow the
    // fixed-price branch (`add_stake.rs:170-180`, `remove_stake.rs:389-397`), as stake-limit.ts does.
    s.set(SUB, 'SubnetMechanism', [netuid], 0)
    s.set(SUB, 'MechanismCountCurrent', [netuid], 1)
    s.set(SUB, 'Yuma3On', [netuid], false)
    s.set(SUB, 'LiquidAlphaOn', [netuid], false)
    s.set(SUB, 'SubnetworkN', [netuid], 0)
    // Genesis subnets emit from the start (start_call already made, subnets/subnet.rs:374-399).
    s.set(SUB, 'FirstEmissionBlockNumber', [netuid], 0)
    s.set(SUB, 'SubtokenEnabled', [netuid], true)
  }

  // ---------- calls ----------
  dispatch(signer: string, call: DecodedCall): void {
    const a = call.args
    const num = (i: number): number => Number(a[i]!.toString())
    const big = (i: number): bigint => BigInt(a[i]!.toString())
    const nums = (i: number): number[] => (a[i]!.toJSON() as number[]).map(Number)
    const key = `${call.section}.${call.method}`
    switch (key) {
      case 'subtensorModule.burnedRegister':
        return this.burnedRegister(signer, num(0), a[1]!.toString(), undefined)
      case 'subtensorModule.registerLimit':
        return this.burnedRegister(signer, num(0), a[1]!.toString(), big(2))
      case 'subtensorModule.serveAxon':
        return this.serveAxon(signer, num(0), big(1), BigInt(a[2]!.toString()), num(3), num(4), num(5), num(6), num(7))
      case 'subtensorModule.setWeights':
        return this.setWeights(signer, num(0), nums(1), nums(2), big(3), false)
      case 'subtensorModule.commitWeights':
        return commitReveal.commitWeights(this, fail, signer, num(0), a[1]!.toString())
      case 'subtensorModule.revealWeights':
        return commitReveal.revealWeights(this, fail, signer, num(0), nums(1), nums(2), nums(3), big(4))
      case 'subtensorModule.setSubnetIdentity':
        return this.setSubnetIdentity(signer, num(0), a.slice(1).map((x) => x.toU8a(true)))
      case 'subtensorModule.addStake':
        return this.addStake(signer, a[0]!.toString(), num(1), big(2))
      case 'subtensorModule.removeStake':
        return this.removeStake(signer, a[0]!.toString(), num(1), big(2))
      case 'subtensorModule.addStakeLimit':
      case 'subtensorModule.removeStakeLimit': {
        const direction = call.method === 'addStakeLimit' ? 'add' : 'remove'
        const run = limitOrderAmount({ direction, amount: big(2), limitPrice: big(3), allowPartial: a[4]!.toString() === 'true', minAmount: MIN_STAKE })
        if (typeof run === 'string') return fail(run)
        return direction === 'add' ? this.addStake(signer, a[0]!.toString(), num(1), run) : this.removeStake(signer, a[0]!.toString(), num(1), run)
      }
      case 'balances.transferKeepAlive':
        return this.transfer(signer, addressOf(a[0]!), big(1), true)
      case 'balances.transferAllowDeath':
        return this.transfer(signer, addressOf(a[0]!), big(1), false)
      default:
        if (this.subnetOwnerCalls?.dispatch(signer, call)) return
        throw new UnsupportedCall(key)
    }
  }

  burnedRegister(coldkey: string, netuid: number, hotkey: string, limit: bigint | undefined): void {
    const s = this.state
    if (netuid === 0) fail('RegistrationNotPermittedOnRootSubnet')
    if (!this.subnetExists(netuid)) fail('SubnetNotExists')
    if (!s.bool(SUB, 'NetworkRegistrationAllowed', netuid)) fail('SubNetRegistrationDisabled')
    if (s.num(SUB, 'RegistrationsThisBlock', netuid) >= s.num(SUB, 'MaxRegistrationsPerBlock', netuid)) fail('TooManyRegistrationsThisBlock')
    if (this.uidOf(netuid, hotkey) !== undefined) fail('HotKeyAlreadyRegisteredInSubNet')
    const owner = s.maybe(SUB, 'Owner', hotkey)
    const hasOwner = s.exists(SUB, 'Owner', hotkey)
    if (hasOwner && owner?.toString() !== coldkey) fail('NonAssociatedColdKey')
    const burn = s.u64(SUB, 'Burn', netuid)
    if (limit !== undefined && burn > limit) fail('RegistrationPriceLimitExceeded')
    if (this.account(coldkey).free < burn + EXISTENTIAL_DEPOSIT) fail('NotEnoughBalanceToStake')
    const n = this.n(netuid)
    const maxUids = s.num(SUB, 'MaxAllowedUids', netuid)
    let uid: number
    if (n < maxUids) {
      uid = n
      s.set(SUB, 'SubnetworkN', [netuid], n + 1)
    } else {
      const pruned = this.uidToPrune(netuid)
      if (pruned === undefined) fail('NoNeuronIdAvailable')
      uid = pruned!
      const old = this.hotkeyOf(netuid, uid)
      s.remove(SUB, 'Uids', netuid, old)
      s.remove(SUB, 'Axons', netuid, old)
      s.remove(SUB, 'Weights', netuid, uid)
      s.remove(SUB, 'Bonds', netuid, uid)
    }
    this.withdraw(coldkey, burn, 'NotEnoughBalanceToStake')
    // The burn is swapped into alpha and burned: it raises the subnet's TAO reserve.
    s.set(SUB, 'SubnetTAO', [netuid], s.u64(SUB, 'SubnetTAO', netuid) + burn)
    if (!hasOwner) {
      s.set(SUB, 'Owner', [hotkey], coldkey)
      const owned = (s.get(SUB, 'OwnedHotkeys', coldkey) as unknown as Array<{ toString(): string }>).map(String)
      s.set(SUB, 'OwnedHotkeys', [coldkey], [...owned, hotkey])
    }
    const block = this.block
    s.set(SUB, 'Keys', [netuid, uid], hotkey)
    s.set(SUB, 'Uids', [netuid, hotkey], uid)
    s.set(SUB, 'BlockAtRegistration', [netuid, uid], block)
    this.setVecAt('LastUpdate', netuid, uid, BigInt(block), 0n, 'big')
    this.setVecAt('Active', netuid, uid, true, false, 'bool')
    for (const item of ['Consensus', 'Incentive', 'Dividends', 'ValidatorTrust']) this.setVecAt(item, netuid, uid, 0, 0, 'num')
    this.setVecAt('Emission', netuid, uid, 0n, 0n, 'big')
    this.setVecAt('ValidatorPermit', netuid, uid, false, false, 'bool')
    s.set(SUB, 'RegistrationsThisBlock', [netuid], s.num(SUB, 'RegistrationsThisBlock', netuid) + 1)
    const next = clampBig((burn * 126n) / 100n, s.u64(SUB, 'MinBurn', netuid), s.u64(SUB, 'MaxBurn', netuid))
    s.set(SUB, 'Burn', [netuid], next)
    this.emit(SUB, 'NeuronRegistered', [netuid, uid, hotkey])
    this.emit(SUB, 'BurnSet', [netuid, next])
  }

  /** `get_neuron_to_prune` (devnet/pruning.ts). */
  uidToPrune(netuid: number): number | undefined {
    return neuronToPrune(this.state, netuid, this.block)
  }

  serveAxon(hotkey: string, netuid: number, version: bigint, ip: bigint, port: number, ipType: number, protocol: number, p1: number, p2: number): void {
    if (this.uidOf(netuid, hotkey) === undefined) fail('HotKeyNotRegisteredInSubNet')
    if (ipType !== 4 && ipType !== 6) fail('InvalidIpType')
    if (!validIp(ip, ipType)) fail('InvalidIpAddress')
    if (port === 0) fail('InvalidPort')
    const prev = this.state.maybe(SUB, 'Axons', netuid, hotkey) as unknown as { block: { toNumber(): number } } | undefined
    const block = this.block
    const limit = this.state.num(SUB, 'ServingRateLimit', netuid)
    if (prev && prev.block.toNumber() > 0 && block - prev.block.toNumber() < limit) fail('ServingRateLimitExceeded')
    this.state.set(SUB, 'Axons', [netuid, hotkey], { block, version, ip, port, ipType, protocol, placeholder1: p1, placeholder2: p2 })
    this.emit(SUB, 'AxonServed', [netuid, hotkey])
  }

  private checkWeights(hotkey: string, netuid: number, uids: number[], values: number[], versionKey: bigint, reveal: boolean): number {
    const s = this.state
    // network-2026 §5: set_weights with CR on is refused first (dispatches.rs:93-97).
    if (!reveal && s.bool(SUB, 'CommitRevealWeightsEnabled', netuid)) fail('CommitRevealEnabled')
    if (netuid === 0) fail('CanNotSetRootNetworkWeights')
    if (uids.length !== values.length) fail('WeightVecNotEqualSize')
    if (!this.subnetExists(netuid)) fail('SubnetNotExists')
    const n = this.n(netuid)
    if (uids.length > n) fail('UidsLengthExceedUidsInSubNet')
    const uid = this.uidOf(netuid, hotkey)
    if (uid === undefined) fail('HotKeyNotRegisteredInSubNet')
    const me = uid!
    const ownerHot = s.get(SUB, 'SubnetOwnerHotkey', netuid).toString()
    const isOwner = ownerHot === hotkey
    const threshold = s.u64(SUB, 'StakeThreshold')
    if (!isOwner && this.stakeWeight(hotkey, netuid) < threshold) fail('NotEnoughStakeToSetWeights')
    if (versionKey < s.u64(SUB, 'WeightsVersionKey', netuid)) fail('IncorrectWeightVersionKey')
    if (!reveal) {
      const last = Number(s.vecBig(SUB, 'LastUpdate', netuid)[me] ?? 0n)
      const limit = s.num(SUB, 'WeightsSetRateLimit', netuid)
      if (last !== 0 && this.block - last < limit) fail('SettingWeightsTooFast')
    }
    const selfWeight = uids.length === 1 && uids[0] === me
    if (!selfWeight && !isOwner && !(s.vecBool(SUB, 'ValidatorPermit', netuid)[me] ?? false)) fail('NeuronNoValidatorPermit')
    if (new Set(uids).size !== uids.length) fail('DuplicateUids')
    if (uids.some((u) => u >= n)) fail('UidVecContainInvalidOne')
    if (!selfWeight && uids.length < Math.min(n, s.num(SUB, 'MinAllowedWeights', netuid))) fail('WeightVecLengthIsLow')
    return me
  }

  private storeWeights(netuid: number, uid: number, uids: number[], values: number[]): void {
    const max = Math.max(0, ...values)
    const up = values.map((v) => (max > 0 ? Math.round((v * 65535) / max) : 0))
    const limit = this.state.num(SUB, 'MaxWeightsLimit', netuid)
    if (limit < 65535 && up.length > 1 && up.some((v) => v > limit)) fail('MaxWeightExceeded')
    this.state.set(SUB, 'Weights', [netuid, uid], uids.map((u, i) => [u, up[i]!]))
    // weights.rs:851-853: only with CR off; under CR the commit set it (network-2026 §5).
    if (!this.state.bool(SUB, 'CommitRevealWeightsEnabled', netuid)) this.setLastUpdate(netuid, uid, this.block)
    this.emit(SUB, 'WeightsSet', [netuid, uid])
  }

  setWeights(hotkey: string, netuid: number, uids: number[], values: number[], versionKey: bigint, reveal: boolean): void {
    const uid = this.checkWeights(hotkey, netuid, uids, values, versionKey, reveal)
    this.storeWeights(netuid, uid, uids, values)
  }

  // ---------- hosts of commit-reveal.ts and pool-validation.ts ----------
  setLastUpdate(netuid: number, uid: number, block: number): void {
    this.setVecAt('LastUpdate', netuid, uid, BigInt(block), 0n, 'big')
  }

  setRevealedWeights(hotkey: string, netuid: number, uids: number[], values: number[], versionKey: bigint): void {
    this.setWeights(hotkey, netuid, uids, values, versionKey, true)
  }

  deposit(name: string, fields: unknown[]): void {
    this.emit(SUB, name, fields)
  }

  /** The stake compared with StakeThreshold (the pool's `check_weights_min_stake`): total stake S. */
  weightsStake(hotkey: string, netuid: number): bigint {
    return this.stakeWeight(hotkey, netuid)
  }

  validIp(ip: bigint, ipType: number): boolean {
    return validIp(ip, ipType)
  }

  /**
   * `set_subnet_identity` [call 78] (`macros/dispatches.rs:1378-1404` -> `utils/identity.rs:98-147`):
   * the signing coldkey must own the subnet (NotSubnetOwner; a missing subnet has no owner, so the
   * same error), the fields must fit `is_valid_subnet_identity` (InvalidIdentity), and the whole
   * record is overwritten.
   */
  setSubnetIdentity(coldkey: string, netuid: number, fields: readonly Uint8Array[]): void {
    const owner = this.state.get(SUB, 'SubnetOwner', netuid).toString()
    if (owner !== coldkey) fail('NotSubnetOwner')
    const total = fields.slice(0, 3).reduce((n, f) => n + f.length, 0)
    const valid = total <= 256 + 1024 + 1024 + 1024 + 256 + 1024 + 1024 + 1024 && IDENTITY_FIELDS.every((name, i) => (fields[i]?.length ?? 0) <= IDENTITY_LIMITS[name])
    if (!valid) fail('InvalidIdentity')
    // Hex, not Uint8Array: polkadot reads a Uint8Array given for Bytes as already length-prefixed.
    this.state.set(SUB, 'SubnetIdentitiesV3', [netuid], Object.fromEntries(IDENTITY_FIELDS.map((name, i) => [name, u8aToHex(fields[i] ?? new Uint8Array())])))
    this.emit(SUB, 'SubnetIdentitySet', [netuid])
  }

  /** Writes an identity as text (genesis); the same record `set_subnet_identity` stores. */
  writeSubnetIdentity(netuid: number, identity: SubnetIdentityFields): void {
    const utf8 = new TextEncoder()
    this.setSubnetIdentity(this.state.get(SUB, 'SubnetOwner', netuid).toString(), netuid, IDENTITY_FIELDS.map((name) => utf8.encode(identity[name])))
  }

  // ---------- stake (dTAO shares; TAO <-> alpha at 1:1 on the practice chain) ----------
  /** Root (netuid 0) always exists on subtensor and takes TAO stake; the practice chain keeps it out of the subnet list. */
  stakeableNetuid(netuid: number): boolean {
    return netuid === ROOT_NETUID || this.subnetExists(netuid)
  }

  /** The stake the chain judges a hotkey by: inherited alpha + TaoWeight × inherited root TAO (devnet/stake-weights.ts). */
  stakeWeight(hotkey: string, netuid: number): bigint {
    return stakeWeightsFor(this.state, hotkey, netuid).total
  }

  totalHotkeyAlpha(hotkey: string, netuid: number): bigint {
    return this.state.u64(SUB, 'TotalHotkeyAlpha', hotkey, netuid)
  }

  private shares(hotkey: string, coldkey: string, netuid: number): bigint {
    return fixedBits(this.state.get(SUB, 'Alpha', hotkey, coldkey, netuid))
  }

  private totalShares(hotkey: string, netuid: number): bigint {
    return fixedBits(this.state.get(SUB, 'TotalHotkeyShares', hotkey, netuid))
  }

  stakeOf(hotkey: string, coldkey: string, netuid: number): bigint {
    const total = this.totalShares(hotkey, netuid)
    if (total === 0n) return 0n
    return (this.shares(hotkey, coldkey, netuid) * this.totalHotkeyAlpha(hotkey, netuid)) / total
  }

  /** Credits alpha to (hotkey, coldkey) by minting shares at the current share price. */
  creditStake(hotkey: string, coldkey: string, netuid: number, alpha: bigint): void {
    if (alpha <= 0n) return
    const totalAlpha = this.totalHotkeyAlpha(hotkey, netuid)
    const totalShares = this.totalShares(hotkey, netuid)
    const newShares = totalAlpha === 0n || totalShares === 0n ? alpha << 64n : (alpha * totalShares) / totalAlpha
    this.state.set(SUB, 'Alpha', [hotkey, coldkey, netuid], { bits: this.shares(hotkey, coldkey, netuid) + newShares })
    this.state.set(SUB, 'TotalHotkeyShares', [hotkey, netuid], { bits: totalShares + newShares })
    this.state.set(SUB, 'TotalHotkeyAlpha', [hotkey, netuid], totalAlpha + alpha)
    const staking = (this.state.get(SUB, 'StakingHotkeys', coldkey) as unknown as Array<{ toString(): string }>).map(String)
    if (!staking.includes(hotkey)) this.state.set(SUB, 'StakingHotkeys', [coldkey], [...staking, hotkey])
  }

  private debitStake(hotkey: string, coldkey: string, netuid: number, alpha: bigint): void {
    const totalAlpha = this.totalHotkeyAlpha(hotkey, netuid)
    const totalShares = this.totalShares(hotkey, netuid)
    const mine = this.shares(hotkey, coldkey, netuid)
    let burnShares = totalAlpha === 0n ? mine : (alpha * totalShares + totalAlpha - 1n) / totalAlpha
    if (burnShares > mine) burnShares = mine
    this.state.set(SUB, 'Alpha', [hotkey, coldkey, netuid], { bits: mine - burnShares })
    this.state.set(SUB, 'TotalHotkeyShares', [hotkey, netuid], { bits: totalShares - burnShares })
    this.state.set(SUB, 'TotalHotkeyAlpha', [hotkey, netuid], totalAlpha - alpha)
  }

  addStake(coldkey: string, hotkey: string, netuid: number, amount: bigint): void {
    if (!this.stakeableNetuid(netuid)) fail('SubnetNotExists')
    if (!this.state.exists(SUB, 'Owner', hotkey)) fail('HotKeyAccountNotExists')
    if (amount < MIN_STAKE) fail('AmountTooLow')
    if (this.account(coldkey).free < amount + EXISTENTIAL_DEPOSIT) fail('NotEnoughBalanceToStake')
    this.withdraw(coldkey, amount, 'NotEnoughBalanceToStake')
    this.creditStake(hotkey, coldkey, netuid, amount)
    this.state.set(SUB, 'SubnetTAO', [netuid], this.state.u64(SUB, 'SubnetTAO', netuid) + amount)
    this.state.set(SUB, 'TotalStake', [], this.state.u64(SUB, 'TotalStake') + amount)
    this.emit(SUB, 'StakeAdded', [coldkey, hotkey, amount, amount, netuid, 0n])
  }

  removeStake(coldkey: string, hotkey: string, netuid: number, alpha: bigint): void {
    if (!this.stakeableNetuid(netuid)) fail('SubnetNotExists')
    if (!this.state.exists(SUB, 'Owner', hotkey)) fail('HotKeyAccountNotExists')
    if (alpha === 0n) fail('AmountTooLow')
    const held = this.stakeOf(hotkey, coldkey, netuid)
    if (held < alpha) fail('NotEnoughStakeToWithdraw')
    // Practice subnets swap 1:1, so the TAO out equals the alpha unstaked.
    if (unstakeTooSmall(held - alpha, alpha)) fail('AmountTooLow')
    this.debitStake(hotkey, coldkey, netuid, alpha)
    this.setFree(coldkey, this.account(coldkey).free + alpha)
    const tao = this.state.u64(SUB, 'SubnetTAO', netuid)
    this.state.set(SUB, 'SubnetTAO', [netuid], tao > alpha ? tao - alpha : 0n)
    this.emit(SUB, 'StakeRemoved', [coldkey, hotkey, alpha, alpha, netuid, 0n])
  }

  // ---------- block hooks ----------
  onInitialize(): void {
    const block = this.block
    for (const netuid of this.netuids()) {
      this.state.set(SUB, 'RegistrationsThisBlock', [netuid], 0)
      // Burn price decay: half-life of BURN_HALF_LIFE blocks, bounded by MinBurn.
      const burn = this.state.u64(SUB, 'Burn', netuid)
      const decayed = BigInt(Math.floor(Number(burn) * Math.pow(0.5, 1 / BURN_HALF_LIFE)))
      const next = clampBig(decayed, this.state.u64(SUB, 'MinBurn', netuid), this.state.u64(SUB, 'MaxBurn', netuid))
      if (next !== burn) this.state.set(SUB, 'Burn', [netuid], next)
    }
    // The epoch runs in on_initialize, before any extrinsic of the block (hooks.rs:17-20, network-2026 §2.2).
    drainPending(this.state, this.netuids(), block, (netuid) => this.epoch(netuid), (name, fields) => this.deposit(name, fields))
  }

  onFinalize(): void {
    for (const netuid of this.netuids()) {
      const s = this.state
      // Only subnets whose owner made start_call get emission (coinbase/subnet_emissions.rs:21-27).
      const emission = s.exists(SUB, 'FirstEmissionBlockNumber', netuid) ? EMISSION_PER_BLOCK : 0n
      const ownerCut = (emission * OWNER_CUT_NUM) / OWNER_CUT_DEN
      const rest = emission - ownerCut
      s.set(SUB, 'PendingServerEmission', [netuid], s.u64(SUB, 'PendingServerEmission', netuid) + rest / 2n)
      s.set(SUB, 'PendingValidatorEmission', [netuid], s.u64(SUB, 'PendingValidatorEmission', netuid) + rest - rest / 2n)
      const ownerHot = s.get(SUB, 'SubnetOwnerHotkey', netuid).toString()
      const ownerCold = s.get(SUB, 'SubnetOwner', netuid).toString()
      this.creditStake(ownerHot, ownerCold, netuid, ownerCut)
      s.set(SUB, 'SubnetAlphaOut', [netuid], s.u64(SUB, 'SubnetAlphaOut', netuid) + emission)
    }
    this.recomputeIssuance()
  }

  netuids(): number[] {
    const prefix = this.codec.prefix(SUB, 'NetworksAdded')
    return this.state
      .entriesWithPrefix(prefix)
      .filter(([, v]) => v === '0x01')
      .map(([k]) => Number(this.codec.keyArgs(SUB, 'NetworksAdded', k)[0]!.toString()))
      .sort((a, b) => a - b)
  }

  /** `LiquidAlphaOn` with `get_alpha_values_32` and `get_alpha_sigmoid_steepness` (`utils/misc.rs:819-835`). */
  private liquidAlpha(netuid: number): LiquidAlpha | undefined {
    const s = this.state
    if (!s.bool(SUB, 'LiquidAlphaOn', netuid)) return undefined
    const [low, high] = s.get(SUB, 'AlphaValues', netuid).toJSON() as [number, number]
    return { low: low / 65535, high: high / 65535, steepness: s.num(SUB, 'AlphaSigmoidSteepness', netuid) }
  }

  /** Runs Yuma for one subnet and distributes the pending alpha. */
  epoch(netuid: number): void {
    const s = this.state
    const block = this.block
    const n = this.n(netuid)
    const server = s.u64(SUB, 'PendingServerEmission', netuid)
    const validator = s.u64(SUB, 'PendingValidatorEmission', netuid)
    const pending = server + validator
    s.set(SUB, 'PendingServerEmission', [netuid], 0n)
    s.set(SUB, 'PendingValidatorEmission', [netuid], 0n)
    const tempo = s.num(SUB, 'Tempo', netuid)
    const lastStep = Number(s.u64(SUB, 'LastMechansimStepBlock', netuid))
    s.set(SUB, 'LastMechansimStepBlock', [netuid], block)
    if (n === 0) return
    const hotkeys = Array.from({ length: n }, (_, uid) => this.hotkeyOf(netuid, uid))
    const ownerHot = s.get(SUB, 'SubnetOwnerHotkey', netuid).toString()
    const ownerUid = hotkeys.indexOf(ownerHot)
    const rows = (item: string): Array<Array<[number, number]>> =>
      hotkeys.map((_, uid) => s.get(SUB, item, netuid, uid).toJSON() as Array<[number, number]>)
    const out = runEpoch({
      n,
      currentBlock: block,
      activityCutoff: s.num(SUB, 'ActivityCutoff', netuid),
      lastTempoBlock: lastStep > 0 ? lastStep + 1 : block - tempo,
      lastUpdate: s.vecBig(SUB, 'LastUpdate', netuid).map(Number),
      blockAtRegistration: hotkeys.map((_, uid) => s.num(SUB, 'BlockAtRegistration', netuid, uid)),
      weights: rows('Weights'),
      bonds: rows('Bonds'),
      validatorPermit: s.vecBool(SUB, 'ValidatorPermit', netuid),
      stake: hotkeys.map((h) => Number(this.stakeWeight(h, netuid))),
      stakeThreshold: Number(s.u64(SUB, 'StakeThreshold')),
      ownerUid: ownerUid >= 0 ? ownerUid : undefined,
      kappa: s.num(SUB, 'Kappa', netuid) / 65535,
      bondsMovingAverage: Number(s.u64(SUB, 'BondsMovingAverage', netuid)),
      bondsPenalty: s.num(SUB, 'BondsPenalty', netuid) / 65535,
      maxAllowedValidators: s.num(SUB, 'MaxAllowedValidators', netuid),
      yuma3: s.bool(SUB, 'Yuma3On', netuid),
      liquidAlpha: this.liquidAlpha(netuid),
      commitBlocks: s.bool(SUB, 'CommitRevealWeightsEnabled', netuid)
        ? hotkeys.map((hot) => commitReveal.earliestLiveCommitBlock(s, netuid, block, hot))
        : undefined,
      raoEmission: Number(pending),
    })
    s.set(SUB, 'Active', [netuid], out.active)
    s.set(SUB, 'Incentive', [netuid], out.u16.incentive)
    s.set(SUB, 'Dividends', [netuid], out.u16.dividends)
    s.set(SUB, 'Consensus', [netuid], out.u16.consensus)
    s.set(SUB, 'ValidatorTrust', [netuid], out.u16.validatorTrust)
    s.set(SUB, 'StakeWeight', [netuid], out.u16.stakeWeight)
    s.set(SUB, 'ValidatorPermit', [netuid], out.validatorPermit)
    s.set(SUB, 'Emission', [netuid], out.emission.map((x) => BigInt(x)))
    out.bonds.forEach((row, uid) => s.set(SUB, 'Bonds', [netuid, uid], row))
    hotkeys.forEach((hot, uid) => {
      const cold = s.get(SUB, 'Owner', hot).toString()
      // Miners: server alpha staked to their own coldkey. Validators: dividends raise the hotkey's
      // pool, so every nominator's shares appreciate.
      this.creditStake(hot, cold, netuid, BigInt(out.serverEmission[uid]!))
      const v = BigInt(out.validatorEmission[uid]!)
      if (v > 0n) {
        if (this.totalShares(hot, netuid) === 0n) this.creditStake(hot, cold, netuid, v)
        else s.set(SUB, 'TotalHotkeyAlpha', [hot, netuid], this.totalHotkeyAlpha(hot, netuid) + v)
      }
    })
  }
}

/** Calls the practice devnet executes (section.method as polkadot.js names them): those it has a weight for. */
export const SUPPORTED_CALLS: ReadonlySet<string> = new Set(Object.keys(CALL_WEIGHTS))

export class UnsupportedCall extends Error {
  constructor(readonly call: string) {
    super(`The TaoDesk practice devnet does not implement ${call}`)
    this.name = 'UnsupportedCall'
  }
}

function clampBig(x: bigint, lo: bigint, hi: bigint): bigint {
  return x < lo ? lo : x > hi ? hi : x
}

function fixedBits(codec: unknown): bigint {
  const c = codec as { bits?: { toBigInt(): bigint } } & { toJSON(): unknown }
  if (c.bits) return c.bits.toBigInt()
  const j = c.toJSON() as { bits: string | number }
  return BigInt(j.bits)
}

function addressOf(arg: { toJSON(): unknown; toString(): string }): string {
  const j = arg.toJSON() as { id?: string } | string
  if (typeof j === 'object' && j && typeof j.id === 'string') return encodeAddress(decodeAddress(j.id), 42)
  return arg.toString()
}

/** §6.3 chain checks of an axon IP. */
export function validIp(ip: bigint, ipType: number): boolean {
  if (ipType === 4) {
    if (ip >= 0xffffffffn) return false
    if (ip === 0x7f000001n) return false
    return true
  }
  if (ip === 1n) return false
  if (ip === (1n << 128n) - 1n) return false
  return true
}

export { commitHash }
