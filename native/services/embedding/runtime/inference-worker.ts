/**
 * Inference worker: owns one onnxruntime-node session (session.run blocks its thread, so it
 * never runs on the engine's main thread). Pools and L2-normalises before replying so only
 * [batch, dim] vectors cross the thread boundary.
 */
import * as ort from 'onnxruntime-node'
import { serveRequests } from '../../../platform/workers'
import type { Answer } from '../../../platform/workers'
import { firstNonFinite, l2NormalizeRows, pool } from './pooling'
import type { Pooling } from './pooling'
import type { LoadRequest, RunRequest, WorkerReply, WorkerRequest } from './protocol'
import type { Provider, ProviderAttempt } from './providers'

ort.env.logLevel = 'fatal'

let session: ort.InferenceSession | null = null
let pooling: Pooling = 'mean'

const EP_NAME: Record<Provider, string> = { cuda: 'cuda', dml: 'dml', coreml: 'coreml', webgpu: 'webgpu', cpu: 'cpu' }

/**
 * No IO binding, `preferredOutputLocation` or `enableGraphCapture` here on purpose: in onnxruntime-node
 * 1.30.0 they serve only the WebGPU EP (the binding binds 'gpu-buffer' values to "WebGPU_Buf" memory;
 * onnxruntime-common inference-session.d.ts:126-139), and the CUDA EP option takes only `deviceId`
 * (:185-188). Evidence in README, "Performance (issue 18)". Inputs and the pooled output are small anyway.
 */
function sessionOptions(provider: Provider, threads: number, deviceId: number | undefined): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider === 'cuda' && deviceId !== undefined ? { name: 'cuda', deviceId } : EP_NAME[provider]],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    enableCpuMemArena: true,
    enableMemPattern: true,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 4,
    extra: { session: { intra_op: { allow_spinning: '1' } } },
  }
}

async function load(req: LoadRequest): Promise<Answer<WorkerReply>> {
  const attempts: ProviderAttempt[] = []
  let chosen: Provider | null = null
  let file = req.onnxFile
  let lastError = ''
  for (const c of req.candidates) {
    if (chosen) {
      attempts.push({ provider: c.provider, used: false, reason: c.skipReason ?? `${c.provider} was not needed: an earlier provider works.` })
      continue
    }
    if (c.skipReason) {
      attempts.push({ provider: c.provider, used: false, reason: c.skipReason })
      continue
    }
    try {
      file = req.fileFor?.[c.provider] ?? req.onnxFile
      session = await ort.InferenceSession.create(file, sessionOptions(c.provider, req.intraOpThreads, req.deviceId))
      chosen = c.provider
      attempts.push({ provider: c.provider, used: true, reason: null })
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error)
      attempts.push({ provider: c.provider, used: false, reason: `onnxruntime could not start it: ${lastError.split('\n')[0]}` })
      // A model that cannot be parsed fails the same way on every provider: stop early on CPU.
    }
  }
  if (!session || !chosen) {
    return { reply: { type: 'error', kind: 'model', message: `The model file could not be loaded (${lastError.split('\n')[0]}). It may be corrupt or truncated: verify or re-download it.` } }
  }
  pooling = req.pooling
  // Probe run: learn the output width and make sure the graph really runs.
  try {
    const probe = await run({ type: 'run', id: req.id, ids: Int32Array.from([101, 102]), lengths: Int32Array.from([2]), batch: 1, seq: 2 })
    return { reply: { type: 'loaded', provider: chosen, onnxFile: file, attempts, dimension: probe.dimension, inputNames: [...session.inputNames] } }
  } catch (error) {
    await session.release().catch(() => undefined)
    session = null
    return { reply: { type: 'error', kind: 'model', message: `The model loaded but could not run: ${error instanceof Error ? error.message : String(error)}` } }
  }
}

/**
 * Frees the session. The pool asks for this only once no run is in flight: terminating a worker
 * while onnxruntime still runs (or holds) a session aborts the whole process with an uncaught
 * `Napi::Error` from the native side.
 */
async function unload(): Promise<Answer<WorkerReply>> {
  const current = session
  session = null
  await current?.release()
  return { reply: { type: 'unloaded' } }
}

async function run(req: RunRequest): Promise<{ vectors: Float32Array; dimension: number }> {
  if (!session) throw new Error('No model is loaded in this worker')
  const { batch, seq } = req
  const size = batch * seq
  const feeds: Record<string, ort.Tensor> = {}
  const names = session.inputNames
  if (names.includes('input_ids')) {
    const ids = new BigInt64Array(size)
    for (let i = 0; i < size; i++) ids[i] = BigInt(req.ids[i]!)
    feeds.input_ids = new ort.Tensor('int64', ids, [batch, seq])
  }
  if (names.includes('attention_mask')) {
    const mask = new BigInt64Array(size)
    for (let b = 0; b < batch; b++) mask.fill(1n, b * seq, b * seq + req.lengths[b]!)
    feeds.attention_mask = new ort.Tensor('int64', mask, [batch, seq])
  }
  if (names.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(size), [batch, seq])
  if (names.includes('position_ids')) {
    const pos = new BigInt64Array(size)
    for (let b = 0; b < batch; b++) for (let t = 0; t < seq; t++) pos[b * seq + t] = BigInt(t)
    feeds.position_ids = new ort.Tensor('int64', pos, [batch, seq])
  }
  const missing = names.filter((n) => !(n in feeds))
  if (missing.length > 0) throw new Error(`The model needs inputs TaoDesk does not provide: ${missing.join(', ')}`)
  const outputs = await session.run(feeds)
  try {
    const preferred = ['sentence_embedding', 'last_hidden_state', 'token_embeddings'].find((n) => n in outputs) ?? session.outputNames[0]!
    const out = outputs[preferred]!
    const data = out.data as Float32Array
    if (out.type !== 'float32') throw new Error(`The model's output ${preferred} is ${out.type}, expected float32`)
    let vectors: Float32Array
    let dimension: number
    if (out.dims.length === 2) {
      dimension = Number(out.dims[1])
      vectors = Float32Array.from(data)
    } else if (out.dims.length === 3) {
      dimension = Number(out.dims[2])
      vectors = pool(data, batch, Number(out.dims[1]), dimension, req.lengths, pooling)
    } else {
      throw new Error(`The model's output ${preferred} has shape [${out.dims.join(', ')}], expected 2 or 3 dimensions`)
    }
    const bad = firstNonFinite(vectors)
    if (bad >= 0) {
      const err = new Error(`The model produced a non-finite value (text ${Math.floor(bad / dimension) + 1} of the batch). The model file may be damaged, or the model does not work with this execution provider.`)
      ;(err as Error & { kind?: string }).kind = 'nonfinite'
      throw err
    }
    return { vectors: l2NormalizeRows(vectors, dimension), dimension }
  } finally {
    for (const t of Object.values(outputs)) t.dispose()
  }
}

serveRequests<WorkerRequest, WorkerReply>('inference-worker', async (msg) => {
  try {
    if (msg.type === 'load') return await load(msg)
    if (msg.type === 'unload') return await unload()
    const { vectors, dimension } = await run(msg)
    return { reply: { type: 'result', vectors, dimension }, transfer: [vectors.buffer as ArrayBuffer] }
  } catch (error) {
    const kind = (error as { kind?: string }).kind === 'nonfinite' ? 'nonfinite' : 'internal'
    return { reply: { type: 'error', kind, message: error instanceof Error ? error.message : String(error) } }
  }
})
