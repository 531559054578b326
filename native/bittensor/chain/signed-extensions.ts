import type { ExtDef } from '@polkadot/types/extrinsic/signedExtensions/types'

/**
 * Subtensor's custom transaction extensions (spec §6.1). All are empty in the extrinsic and in the
 * signed payload; ChargeTransactionPayment(Wrapper) carries the compact tip and is known to
 * polkadot.js already. Registering them keeps polkadot.js from warning and from guessing.
 */
export const SUBTENSOR_SIGNED_EXTENSIONS: ExtDef = {
  SudoTransactionExtension: { extrinsic: {}, payload: {} },
  CheckShieldedTxValidity: { extrinsic: {}, payload: {} },
  SubtensorTransactionExtension: { extrinsic: {}, payload: {} },
  DrandPriority: { extrinsic: {}, payload: {} },
  ChargeTransactionPaymentWrapper: { extrinsic: { tip: 'Compact<Balance>' }, payload: {} },
}
