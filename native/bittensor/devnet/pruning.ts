/**
 * Which uid a registration on a full subnet replaces, as subtensor decides it
 * (`subnets/registration.rs:236-355`, `get_immune_owner_tuples` and `get_neuron_to_prune`).
 */
import type { StateStore } from './state'

const SUB = 'SubtensorModule'

/**
 * The owner's "immortal" uids (`registration.rs:237-276`): the owner coldkey's registered hotkeys,
 * oldest registration first (then lower uid), kept up to `ImmuneOwnerUidsLimit`; the subnet owner
 * hotkey is put first if missing and the list truncated to the limit again.
 */
export function immuneOwnerHotkeys(state: StateStore, netuid: number): string[] {
  const ownerCold = state.get(SUB, 'SubnetOwner', netuid).toString()
  const limit = state.num(SUB, 'ImmuneOwnerUidsLimit', netuid)
  const uidOf = (hk: string): number | undefined => (state.maybe(SUB, 'Uids', netuid, hk) as unknown as { toNumber(): number } | undefined)?.toNumber()
  const owned = (state.get(SUB, 'OwnedHotkeys', ownerCold) as unknown as Array<{ toString(): string }>).map(String)
  const triples = owned
    .map((hk) => ({ hk, uid: uidOf(hk) }))
    .filter((t): t is { hk: string; uid: number } => t.uid !== undefined)
    .map((t) => ({ ...t, block: state.num(SUB, 'BlockAtRegistration', netuid, t.uid) }))
    .sort((a, b) => a.block - b.block || a.uid - b.uid)
    .slice(0, limit)
  const out = triples.map((t) => t.hk)
  if (state.exists(SUB, 'SubnetOwnerHotkey', netuid)) {
    const ownerHot = state.get(SUB, 'SubnetOwnerHotkey', netuid).toString()
    if (uidOf(ownerHot) !== undefined && !out.includes(ownerHot)) {
      out.unshift(ownerHot)
      out.splice(limit)
    }
  }
  return out
}

/**
 * `get_neuron_to_prune` (`registration.rs:280-356`): the lowest Emission, ties to the older
 * registration then the lower uid, ranked separately among immune and non-immune uids. A
 * non-immune uid is taken only while there are more than `MinNonImmuneUids` of them; otherwise
 * the best immune uid (undefined when there is none: `NoNeuronIdAvailable`).
 */
export function neuronToPrune(state: StateStore, netuid: number, block: number): number | undefined {
  const n = state.num(SUB, 'SubnetworkN', netuid)
  if (n === 0) return undefined
  const immortal = new Set(immuneOwnerHotkeys(state, netuid))
  const emission = state.vecBig(SUB, 'Emission', netuid)
  const immunity = state.num(SUB, 'ImmunityPeriod', netuid)
  type Cand = { uid: number; em: bigint; reg: number }
  const better = (a: Cand, b: Cand | undefined): boolean => !b || (a.em !== b.em ? a.em < b.em : a.reg !== b.reg ? a.reg < b.reg : a.uid < b.uid)
  let free = 0
  let bestFree: Cand | undefined
  let bestImmune: Cand | undefined
  for (let uid = 0; uid < n; uid++) {
    if (!state.exists(SUB, 'Keys', netuid, uid)) continue
    if (immortal.has(state.get(SUB, 'Keys', netuid, uid).toString())) continue
    const reg = state.num(SUB, 'BlockAtRegistration', netuid, uid)
    const c = { uid, em: emission[uid] ?? 0n, reg }
    // `get_neuron_is_immune` (`utils/misc.rs:545-550`).
    if (block - reg < immunity) {
      if (better(c, bestImmune)) bestImmune = c
    } else {
      free++
      if (better(c, bestFree)) bestFree = c
    }
  }
  if (bestFree && free > state.num(SUB, 'MinNonImmuneUids', netuid)) return bestFree.uid
  return bestImmune?.uid
}
