// @ts-check
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'
import { layersPlugin } from './eslint-rules/layers.js'

/** Import rules that make the architecture visible: who may import whom (README, "Architecture"). */
const NODE_BUILTINS = { group: ['node:*'], message: 'Environment-neutral code: no Node built-ins here.' }
const ELECTRON = { name: 'electron', message: 'Only electron/ may import Electron; the engine must run under plain Node.' }
const UI_LIBS = ['react', 'react-dom', '@mantine/*', '@tabler/*', '@tanstack/*']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'release/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // Tool configs and the vitest reporter must default-export.
    files: ['*.config.{js,ts}', 'test/support/summary-reporter.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // The engine: never Electron, never UI libraries.
    files: ['native/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON], patterns: [{ group: UI_LIBS, message: 'The engine never imports UI code.' }, { group: ['**/renderer/**', '**/electron/**'], message: 'The engine does not import the shells.' }] }],
    },
  },
  {
    // Layers one way only: platform, bittensor, protocols, services, host/server/cli (eslint-rules/layers.js).
    files: ['native/**/*.ts'],
    plugins: { taodesk: layersPlugin },
    rules: { 'taodesk/layers': 'error' },
  },
  {
    // Shared, environment-neutral layers: they run in the renderer too.
    files: ['native/base/**/*.ts', 'native/contract/**/*.ts', 'native/rpc/*.ts', 'native/rpc/transports/{inproc,mux,json-frames,preload-bridge}.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON], patterns: [NODE_BUILTINS, { group: [...UI_LIBS, 'better-sqlite3', 'ws', 'onnxruntime-node', '@polkadot/*'], message: 'Environment-neutral code: no platform libraries.' }, { group: ['**/store/**', '**/host/**', '**/server/**', '**/cli/**'], message: 'Shared layers import only base, contract and rpc.' }] }],
    },
  },
  {
    // The UI: no Node, no Electron, and of the engine only the contract and the RPC core.
    // (Renderer tests run in Node and may cross-check against engine modules.)
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            NODE_BUILTINS,
            { group: ['better-sqlite3', 'ws', 'onnxruntime-node', '@polkadot/*'], message: 'The renderer never touches keys, files or the network directly.' },
            {
              group: ['**/native/*', '!**/native/contract', '!**/native/rpc', '!**/native/base', '**/native/rpc/transports/ws-node'],
              message: 'The renderer may import only native/contract, native/rpc and native/base.',
            },
          ],
        },
      ],
    },
  },
  {
    // The shells: main and preload talk to the engine only through the contract, rpc and host.
    files: ['electron/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/native/*', '!**/native/contract', '!**/native/rpc', '!**/native/host', '!**/native/server', '!**/native/base'], message: 'electron/ uses the engine through contract, rpc and host only.' }] },
      ],
    },
  },
)
