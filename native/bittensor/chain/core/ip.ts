import { ChainError } from './errors'

/** §6.3 IP encoding: IPv4 as a 32-bit integer (type 4), IPv6 as 128-bit big-endian (type 6). */
export function encodeIp(ip: string): { ip: bigint; ipType: 4 | 6 } {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim())
  if (v4) {
    const parts = v4.slice(1).map(Number)
    if (parts.some((p) => p > 255)) throw new ChainError('Client.InvalidIp', `${ip} is not a valid IPv4 address.`)
    return { ip: parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n), ipType: 4 }
  }
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined]
    const h = head ? head.split(':') : []
    const t = tail ? tail.split(':') : []
    if (ip.split('::').length > 2 || (tail === undefined && h.length !== 8)) throw new ChainError('Client.InvalidIp', `${ip} is not a valid IPv6 address.`)
    const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw new ChainError('Client.InvalidIp', `${ip} is not a valid IPv6 address.`)
    return { ip: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n), ipType: 6 }
  }
  throw new ChainError('Client.InvalidIp', `${ip} is not an IP address.`)
}

export function decodeIp(ip: bigint, ipType: number): string {
  if (ipType === 6) {
    const g: string[] = []
    for (let i = 7; i >= 0; i--) g.push(((ip >> BigInt(i * 16)) & 0xffffn).toString(16))
    return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')
  }
  return [24, 16, 8, 0].map((s) => Number((ip >> BigInt(s)) & 0xffn)).join('.')
}
