import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { Signer } from '../../bittensor/keys/signer'
import { PING_ROUTE, SDK_VERSION_AS_INT } from '../../bittensor/wire/v10/format'
import { NonceClock, buildRequest, signRequest } from '../../bittensor/wire/v10/request'

export interface ReachabilityResult {
  readonly reachable: boolean
  readonly address: string
  readonly checkedAt: number
  readonly latencyMs: number
  /** HTTP status of the ping, when one came back. */
  readonly status?: number
  readonly detail: string
  /** What to do about it, for people. Empty when reachable. */
  readonly advice: string[]
}

const nonces = new NonceClock()
const uuid = randomUUID()

/**
 * Sends a signed `/Synapse` ping (what every Python axon answers, spec §4.6) from the miner's
 * own hotkey to `ip:port`, as a validator would reach it.
 */
export async function pingAxon(signer: Signer, ip: string, port: number, timeoutMs = 5000, axonHotkey = signer.address): Promise<ReachabilityResult> {
  const started = performance.now()
  const nonce = nonces.next()
  const { headers, body } = buildRequest({
    synapse: { name: PING_ROUTE, requiredFields: [], fields: {} },
    target: { ip, port, hotkey: axonHotkey },
    timeoutS: timeoutMs / 1000,
    dendrite: { ip, version: SDK_VERSION_AS_INT, uuid, hotkey: signer.address },
    nonce,
    signature: signRequest(signer, nonce, uuid, axonHotkey),
  })
  const address = `${ip}:${port}`
  const result = (reachable: boolean, detail: string, status?: number): ReachabilityResult => ({
    reachable,
    address,
    checkedAt: Date.now(),
    latencyMs: performance.now() - started,
    status,
    detail,
    advice: reachable ? [] : adviceFor(ip, port, detail, status),
  })
  return new Promise((resolve) => {
    const req = http.request({ host: ip, port, method: 'POST', path: `/${PING_ROUTE}`, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status === 200 && res.headers.bt_header_axon_hotkey === axonHotkey) return resolve(result(true, `The axon answered a signed ping in ${Math.round(performance.now() - started)} ms`, status))
        if (status === 200) return resolve(result(false, `Something else answers on ${address} (it is not this miner's axon)`, status))
        let message = ''
        try {
          message = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message?: unknown }).message ?? '')
        } catch {
          message = ''
        }
        resolve(result(false, `The axon answered HTTP ${status}${message ? `: ${message}` : ''}`, status))
      })
      res.on('error', (e) => resolve(result(false, e.message)))
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)))
    req.on('error', (e: NodeJS.ErrnoException) => resolve(result(false, e.code === 'ECONNREFUSED' ? 'Connection refused' : e.message)))
    req.end(body)
  })
}

function adviceFor(ip: string, port: number, _detail: string, status?: number): string[] {
  if (status === 401) return ['The axon rejected its own signed ping: check that the clock of this machine is right (the nonce window is a few seconds).']
  if (status !== undefined) return [`Another program may be using port ${port}. Stop it, or start the miner on another port with --port.`]
  return [
    `Forward TCP port ${port} on your router to this machine (port forwarding / virtual server, same port inside and outside).`,
    `Allow incoming TCP on port ${port} in the firewall (Linux: sudo ufw allow ${port}/tcp; Windows: allow TaoDesk in Windows Defender Firewall; cloud servers: open it in the security group).`,
    `Check that ${ip} is really this machine's public address (set it with --external-ip if detection picked the wrong one).`,
    'Some routers cannot reach their own public address from inside the network ("NAT loopback"); if so this test fails although validators can reach you. Test from outside (a phone off Wi-Fi: curl -X POST http://' +
      `${ip}:${port}/Synapse should answer with JSON).`,
  ]
}
