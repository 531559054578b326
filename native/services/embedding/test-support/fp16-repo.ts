import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const FP16_PATH = 'onnx/model_fp16.onnx'

/**
 * A copy of a test model's repo folder that also publishes `onnx/model_fp16.onnx`, as ONNX model
 * repos do (transformers.js DEFAULT_DTYPE_SUFFIX_MAPPING, src/utils/dtypes.js: fp16 → '_fp16').
 * Its bytes are distinct, not a real half-precision model: only the download path is under test.
 */
export function repoWithFp16(modelDir: string, onnxFile: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taodesk-fp16-repo-'))
  fs.cpSync(modelDir, dir, { recursive: true })
  fs.writeFileSync(path.join(dir, FP16_PATH), Buffer.concat([fs.readFileSync(onnxFile), Buffer.from('fp16')]))
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
