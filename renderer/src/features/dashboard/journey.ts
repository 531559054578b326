import type { RouteId } from '../../app/routes'

/** What the Dashboard knows about the user's setup (each null while still loading). */
export interface JourneyFacts {
  readonly wallets: number | null
  /** The header's network ('devnet' is shown as "Practice"). */
  readonly network: string | null
  /** A hotkey of the user's wallets is a neuron of the chosen subnet. */
  readonly registered: boolean | null
  readonly modelInstalled: boolean | null
  readonly minerRunning: boolean
  readonly validatorRunning: boolean
}

export type JourneyStepId = 'wallet' | 'network' | 'register' | 'model' | 'start'

export interface JourneyStep {
  readonly id: JourneyStepId
  readonly title: string
  readonly done: boolean
  /** What to do (or what was done), in a sentence. */
  readonly detail: string
  readonly action: { readonly label: string; readonly route: RouteId }
}

/** The first-run flow: wallet, network, practice TAO and registration, model, start. */
export function journeySteps(f: JourneyFacts): JourneyStep[] {
  const practice = f.network === 'devnet'
  return [
    {
      id: 'wallet',
      title: 'Create a wallet',
      done: (f.wallets ?? 0) > 0,
      detail: (f.wallets ?? 0) > 0 ? 'Your wallet holds your keys: the coldkey owns the TAO, the hotkey signs the mining work.' : 'A wallet holds your keys. TaoDesk writes them in the same files btcli uses.',
      action: { label: 'Create a wallet', route: 'wallet' },
    },
    {
      id: 'network',
      title: 'Choose a network',
      done: f.network !== null,
      detail: practice
        ? 'You are on the practice network: free practice TAO, nothing real is spent. Switch in the header when you are ready for testnet or mainnet.'
        : 'Pick the practice network in the header to try everything for free first.',
      action: { label: 'Choose in the header', route: 'subnet' },
    },
    {
      id: 'register',
      title: practice ? 'Get practice TAO and register' : 'Register your hotkey',
      done: f.registered === true,
      detail: practice
        ? 'The practice faucet gives you free TAO; registering your hotkey on the subnet lets validators find your miner.'
        : 'Registering your hotkey on the subnet costs a registration fee (burned) and lets validators find your miner.',
      action: { label: practice ? 'Get practice TAO and register' : 'Register', route: 'subnet' },
    },
    {
      id: 'model',
      title: 'Add an embedding model',
      done: f.modelInstalled === true,
      detail: 'The miner answers validators with text embeddings from a model on this machine.',
      action: { label: 'Add a model', route: 'models' },
    },
    {
      id: 'start',
      title: 'Start mining',
      done: f.minerRunning || f.validatorRunning,
      detail: f.minerRunning ? 'Your miner is running.' : 'Start the miner: it answers validators and earns alpha every epoch.',
      action: { label: 'Start mining', route: 'miner' },
    },
  ]
}

/** Whether the fact a step depends on is still unknown (loading, or the chain not answering). */
function unknown(f: JourneyFacts, id: JourneyStepId): boolean {
  if (id === 'wallet') return f.wallets === null
  if (id === 'register') return f.registered === null
  if (id === 'model') return f.modelInstalled === null
  return false
}

/**
 * The step to offer as the Dashboard's button: the first one not done; null when all are, or when
 * that step's fact is not known yet (a metagraph still loading must not send a registered miner
 * back to "register").
 */
export function nextStep(f: JourneyFacts): JourneyStep | null {
  const next = journeySteps(f).find((s) => !s.done) ?? null
  return next && unknown(f, next.id) ? null : next
}
