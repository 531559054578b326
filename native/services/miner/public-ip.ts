import net from 'node:net'
import type { PublicIpDetector } from './ports'

/** Returns the address it was given (the `--external-ip` override, and tests). */
export class FixedIpDetector implements PublicIpDetector {
  constructor(private readonly ip: string) {
    if (!net.isIP(ip)) throw new Error(`"${ip}" is not an IP address`)
  }
  detect(): Promise<string> {
    return Promise.resolve(this.ip)
  }
}

/** Plain-text "what is my IP" services; the first valid IPv4 answer wins. */
export const DEFAULT_IP_ECHO_URLS = ['https://api.ipify.org', 'https://checkip.amazonaws.com', 'https://icanhazip.com'] as const

export class HttpPublicIpDetector implements PublicIpDetector {
  constructor(
    private readonly urls: readonly string[] = DEFAULT_IP_ECHO_URLS,
    private readonly timeoutMs = 5000,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async detect(signal?: AbortSignal): Promise<string> {
    const failures: string[] = []
    for (const url of this.urls) {
      try {
        const timeout = AbortSignal.timeout(this.timeoutMs)
        const res = await this.fetchFn(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout })
        const text = (await res.text()).trim()
        if (res.ok && net.isIPv4(text)) return text
        failures.push(`${url}: ${res.ok ? `unexpected answer ${JSON.stringify(text.slice(0, 40))}` : `HTTP ${res.status}`}`)
      } catch (error) {
        if (signal?.aborted) throw error
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    throw new Error(`Could not detect this machine's public IPv4 address (${failures.join('; ')}). Set it yourself with --external-ip.`)
  }
}

/** Whether an IPv4 address can be reached from the internet at all. */
export function ipv4Problem(ip: string): string | undefined {
  if (!net.isIPv4(ip)) return net.isIPv6(ip) ? 'IPv6 axons are unreachable for Python validators (they do not bracket IPv6 literals); use an IPv4 address.' : `"${ip}" is not an IPv4 address.`
  const [a, b] = ip.split('.').map(Number) as [number, number]
  if (ip === '0.0.0.0') return 'Address 0.0.0.0 marks an axon as not serving.'
  if (a === 127) return 'A loopback address cannot be published (the chain refuses 127.0.0.1).'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return `${ip} is a private (LAN) address; validators on the internet cannot reach it.`
  if (a === 100 && b >= 64 && b <= 127) return `${ip} is a carrier-grade NAT address; ask your provider for a public IPv4 address.`
  if (a === 169 && b === 254) return `${ip} is a link-local address.`
  return undefined
}
