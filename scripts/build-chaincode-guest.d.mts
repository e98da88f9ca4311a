/** Types of build-chaincode-guest.mjs for the freshness test. */
export function guestBundleSource (): Promise<string>
