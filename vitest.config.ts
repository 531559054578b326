import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['native/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Screenshots of earlier runs (and of tests since renamed) go before this run writes its own.
          globalSetup: ['./test/support/clear-screenshots.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time on a 2-core machine.
          fileParallelism: false,
          // A page's first visit loads its chunk while the engine may be starting the practice chain: on a busy
          // 2-core CI machine that takes more than expect.poll's 1 s default. Explicit timeouts still win.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
})
