import { dictionary } from '@zxcvbn-ts/language-common'
import { isListedPassword } from '../../contract'

/**
 * btcli's own rule is the `passwords` crate's score without its optional common-password list
 * (btwallet builds the crate without that feature), so btcli accepts any password that scores
 * 20. TaoDesk is stricter when it creates keys: it also refuses the most common passwords of
 * zxcvbn-ts's list (about 49,000 from leaked-password corpora). Files stay the same either way.
 * The rule itself (and the wizard's live meter) is the contract's newPasswordVerdict.
 */
let common: Set<string> | undefined

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'])
  return isListedPassword(common, password)
}

export { COMMON_PASSWORD_PROBLEM } from '../../contract'
