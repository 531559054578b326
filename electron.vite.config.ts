import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Native and chain libraries stay in node_modules (asarUnpack in packaging).
      externalizeDeps: true,
      rollupOptions: {
        input: {
          // Electron main process: windows, IPC relay, engine supervisor.
          index: resolve(root, 'electron/main/index.ts'),
          // The engine, run by main as a utilityProcess.
          engine: resolve(root, 'native/host/engine-main.ts'),
          // The CLI (bin/taodesk.mjs), plain Node.
          cli: resolve(root, 'native/cli/main.ts'),
          // Worker threads. Each name is the bundledName its starter gives workerEntry()
          // (native/platform/workers/entry.ts), which finds out/main/<name>.js.
          // Wallet key derivation (Argon2i, 512 MiB) off the main thread, started by native/bittensor/keys/kdf-client.ts.
          'wallet-kdf-worker': resolve(root, 'native/bittensor/keys/kdf-worker.ts'),
          // Large request bodies parsed and answers printed off the main thread, started by native/platform/json-threads/json-threads.ts.
          'json-worker': resolve(root, 'native/platform/json-threads/json-worker.ts'),
          // Inference worker thread (onnxruntime-node), started by native/services/embedding/runtime/worker-pool.ts.
          'embedding-worker': resolve(root, 'native/services/embedding/runtime/inference-worker.ts'),
          // Tokenizer worker threads, started by native/services/embedding/tokenizer/tokenizer-pool.ts.
          'embedding-tokenizer-worker': resolve(root, 'native/services/embedding/tokenizer/tokenizer-worker.ts'),
          // Validator scoring worker threads (parse + InfoNCE), started by native/protocols/text-embedding/scoring/score-pool.ts.
          'validator-score-worker': resolve(root, 'native/protocols/text-embedding/scoring/score-worker.ts'),
          // Miner axon: results JSON printed off the engine thread, started by native/protocols/text-embedding/results-pool.ts.
          'axon-results-worker': resolve(root, 'native/protocols/text-embedding/results-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot load modules: bundle everything into one CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves renderer output unminified by default; the headless UI is served over HTTP.
      minify: true,
      chunkSizeWarningLimit: 2000,
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
})
