import { describe, expect, it } from 'vitest'
import { captureIo } from '../../test/support/capture-io'
import { makeTempHome } from '../../test/support/temp-home'
import { runCli } from './main'

describe('CLI help speaks to users', () => {
  it('sends nobody to a spec section ("§2.4") in any help text', async () => {
    const home = makeTempHome()
    try {
      for (const args of [['--help'], ['selfscore', '--help'], ['miner', '--help'], ['validator', '--help'], ['wallet', '--help']]) {
        const io = captureIo({ TAODESK_HOME: home.dir })
        await runCli(args, io)
        expect(io.out() + io.err(), args.join(' ')).not.toMatch(/§/)
      }
    } finally {
      home.cleanup()
    }
  })
})
