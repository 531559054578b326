import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file lives in native/services/embedding/test-support/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

/** ../shared beside the repository (CI and the workplace keep it there). */
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared')

export function sharedFile(...parts: string[]): string {
  const file = path.join(SHARED_DIR, ...parts)
  if (!fs.existsSync(file)) throw new Error(`Missing shared file ${file}: keep ../shared beside the repository.`)
  return file
}

export const TOKENIZERS = {
  vocab: () => sharedFile('tokenizers', 'bert-base-uncased-vocab.txt'),
  miniLm: () => sharedFile('tokenizers', 'all-MiniLM-L6-v2.tokenizer.json'),
  bgeSmall: () => sharedFile('tokenizers', 'bge-small-en-v1.5.tokenizer.json'),
}

export const MANPAGES = (): string => sharedFile('data', 'manpages-corpus.jsonl')
