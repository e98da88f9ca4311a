/**
 * The channel's MSPs by id (Fabric's msp.MSPManager): turns SerializedIdentity bytes into an
 * Identity of the MSP it names, for policy evaluation, the endorser and the validator.
 *
 * @module
 */
import type { Identity} from '../msp/index.js';
import { Msp, MspError, decodeSerializedIdentity } from '../msp/index.js'
import { PolicyError } from './errors.js'

export class MspManager {
  readonly #msps = new Map<string, Msp>()

  constructor (msps: Iterable<Msp>) {
    for (const msp of msps) {
      if (!(msp instanceof Msp)) throw new PolicyError('POLICY_MALFORMED', 'MspManager takes Msp instances')
      this.#msps.set(msp.mspId, msp)
    }
  }

  get mspIds (): string[] { return [...this.#msps.keys()] }

  get (mspId: string): Msp | undefined { return this.#msps.get(mspId) }

  /** Fabric's DeserializeIdentity. Throws MspError (malformed) or PolicyError POLICY_UNKNOWN_MSP. */
  deserializeIdentity (serialized: Uint8Array): Identity {
    const fields = decodeSerializedIdentity(serialized)
    const msp = this.#msps.get(fields.mspid)
    if (msp === undefined) throw new PolicyError('POLICY_UNKNOWN_MSP', `MSP ${fields.mspid} is not a member of the channel`)
    return msp.deserializeIdentity(fields)
  }

  /** Validates an identity with its own MSP (throws MspError or POLICY_UNKNOWN_MSP). */
  async validate (identity: Identity): Promise<void> {
    const msp = this.#msps.get(identity.mspId)
    if (msp === undefined) throw new PolicyError('POLICY_UNKNOWN_MSP', `MSP ${identity.mspId} is not a member of the channel`)
    await msp.validate(identity)
  }

  /** The MSP that issued `identity`, or undefined. */
  mspOf (identity: Identity): Msp | undefined { return this.#msps.get(identity.mspId) }
}

/** True for the errors that mean "this identity does not count", not a bug. */
export function isIdentityError (err: unknown): boolean {
  return err instanceof MspError || (err instanceof PolicyError && err.code === 'POLICY_UNKNOWN_MSP')
}
