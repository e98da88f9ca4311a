import { describe, expect, it } from 'vitest'
import { guestBundle } from '../../src/chaincode/generated/guest-bundle.js'

describe('generated guest bundle', () => {
  it('matches its generator (run node scripts/build-chaincode-guest.mjs after editing src/chaincode/guest)', async () => {
    const { guestBundleSource } = await import('../../scripts/build-chaincode-guest.mjs')
    const expected = await guestBundleSource()
    expect(expected).toContain(`export const guestBundle = ${JSON.stringify(guestBundle)}`)
  })
})
