/**
 * Stake weights on the practice network as subtensor computes them (`staking/stake_utils.rs`):
 * alpha and root TAO inherited through `ChildKeys`/`ParentKeys` (`lib.rs:1233-1255`, per
 * netuid), combined with the stored `TaoWeight` (`lib.rs:1165`).
 */
import { inheritedStake, stakeWeight } from '../chain/stake-weight'
import type { StakeWeight } from '../chain/stake-weight'
import type { StateStore } from './state'

const SUB = 'SubtensorModule'
export const ROOT_NETUID = 0

/** `(proportion, hotkey)` pairs of ChildKeys (parent → children) or ParentKeys (child → parents). */
function linkage(state: StateStore, item: 'ChildKeys' | 'ParentKeys', hotkey: string, netuid: number): Array<[bigint, string]> {
  const raw = state.get(SUB, item, hotkey, netuid).toJSON() as Array<[number | string, string]>
  return raw.map(([p, hk]) => [BigInt(p), String(hk)])
}

/** `get_stake_for_hotkey_on_subnet` (`stake_utils.rs:530`): TotalHotkeyAlpha. */
function ownStake(state: StateStore, hotkey: string, netuid: number): bigint {
  return state.u64(SUB, 'TotalHotkeyAlpha', hotkey, netuid)
}

/** `get_stake_weights_for_hotkey_on_subnet` (`stake_utils.rs:205-229`). */
export function stakeWeightsFor(state: StateStore, hotkey: string, netuid: number): StakeWeight {
  const children = linkage(state, 'ChildKeys', hotkey, netuid).map(([proportion]) => ({ proportion }))
  const parents = linkage(state, 'ParentKeys', hotkey, netuid)
  const inherit = (on: number): bigint =>
    inheritedStake(
      ownStake(state, hotkey, on),
      children,
      parents.map(([proportion, parent]) => ({ proportion, stake: ownStake(state, parent, on) })),
    )
  // Root keeps its own stake (`stake_utils.rs:389-391`).
  const alpha = netuid === ROOT_NETUID ? ownStake(state, hotkey, netuid) : inherit(netuid)
  return stakeWeight(alpha, inherit(ROOT_NETUID), state.u64(SUB, 'TaoWeight'))
}

/** `get_stake_weights_for_network` (`stake_utils.rs:232-283`): one entry per uid. */
export function stakeWeightsForNetwork(state: StateStore, netuid: number, hotkeys: readonly string[]): StakeWeight[] {
  return hotkeys.map((hk) => stakeWeightsFor(state, hk, netuid))
}

/**
 * Writes a childkey relation the way `do_set_children` ends up storing it (both directions),
 * without its cooldown: the practice network sets it up directly, as genesis would.
 */
export function linkChildren(state: StateStore, parent: string, netuid: number, children: ReadonlyArray<{ proportion: bigint; child: string }>): void {
  for (const [, old] of linkage(state, 'ChildKeys', parent, netuid)) {
    const rest = linkage(state, 'ParentKeys', old, netuid).filter(([, p]) => p !== parent)
    state.set(SUB, 'ParentKeys', [old, netuid], rest)
  }
  state.set(SUB, 'ChildKeys', [parent, netuid], children.map((c) => [c.proportion, c.child]))
  for (const c of children) {
    const rest = linkage(state, 'ParentKeys', c.child, netuid).filter(([, p]) => p !== parent)
    state.set(SUB, 'ParentKeys', [c.child, netuid], [...rest, [c.proportion, parent]])
  }
}
