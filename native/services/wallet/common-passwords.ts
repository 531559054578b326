import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * btcli's own rule is the `passwords` crate's score without its optional common-password list
 * (btwallet builds the crate without that feature), so btcli accepts any password that scores
 * 20. TaoDesk is stricter when it creates keys: it also refuses the most common passwords of
 * zxcvbn-ts's list (about 49,000 from leaked-password corpora). Files stay the same either way.
 */
let common: Set<string> | undefined

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'])
  const p = password.trim()
  return common.has(p) || common.has(p.toLowerCase())
}

export const COMMON_PASSWORD_PROBLEM = 'This is one of the most common passwords (found in leaked-password lists); pick something nobody else uses.'
