/** Short, plain explanations of the Bittensor words the pages use (shown as tooltips where the word appears). */
export const GLOSSARY = {
  uid: 'Your slot number on the subnet, given when your hotkey registers. Validators and the chain refer to neurons by it.',
  alpha: "The subnet's own token. Miners and validators are paid in alpha every epoch; it can be swapped for TAO at the subnet's price.",
  tempo: 'How many blocks one epoch lasts. At the end of each epoch the chain pays rewards (one block is about 12 seconds on Bittensor).',
  epoch: 'One round of rewards: every tempo blocks the chain combines the validators’ weights and pays miners and validators.',
  incentive: "Your miner's share of the subnet's miner rewards in the last epoch (0–100 %), decided by the validators' weights.",
  consensus: "How much the validators, weighted by their stake, agree on a miner's weight. A miner is paid for the weight that most of the stake agrees on.",
  vtrust: "Validator trust: how closely a validator's weights match the consensus. Validators with high VTrust earn more dividends.",
  kappa: 'The consensus threshold (0.5 by default): weight only counts when validators holding more than this share of the stake agree on it.',
  infonce: 'The score validators give an embedding model: how well it tells the right answer to a question apart from the other texts in a batch (higher is better).',
  permit: 'A validator permit: only the hotkeys with the most stake on a subnet (64 by default) may set weights that count.',
  stake: 'TAO locked on a hotkey. Validators need stake for a permit; miners check that a caller has enough stake before answering.',
  weights: "A validator's scores for the miners, written to the chain; each epoch they decide who gets paid how much.",
} as const

export type GlossaryWord = keyof typeof GLOSSARY

/** How the word is written on the page. */
export const GLOSSARY_LABEL: Record<GlossaryWord, string> = {
  uid: 'uid',
  alpha: 'alpha',
  tempo: 'tempo',
  epoch: 'epoch',
  incentive: 'Incentive',
  consensus: 'Consensus',
  vtrust: 'VTrust',
  kappa: 'kappa',
  infonce: 'InfoNCE',
  permit: 'validator permit',
  stake: 'stake',
  weights: 'weights',
}
