import { SerializedIdentity } from '../protos/index.js'
import { MspError } from './errors.js'

/** Fabric's msp.SerializedIdentity: the MSP ID and the PEM certificate bytes (`id_bytes`). */
export interface SerializedIdentityFields {
  mspid: string
  idBytes: Uint8Array
}

export function encodeSerializedIdentity (fields: SerializedIdentityFields): Uint8Array {
  return SerializedIdentity.encode({ mspid: fields.mspid, idBytes: fields.idBytes as Uint8Array<ArrayBuffer> })
}

/** Decode, or MSP_MALFORMED if the bytes are not a SerializedIdentity with both fields set. */
export function decodeSerializedIdentity (bytes: Uint8Array): SerializedIdentityFields {
  if (!(bytes instanceof Uint8Array)) throw new MspError('MSP_MALFORMED', 'serialized identity must be a Uint8Array')
  let decoded: SerializedIdentity
  try {
    decoded = SerializedIdentity.decode(bytes)
  } catch (err) {
    throw new MspError('MSP_MALFORMED', 'not a SerializedIdentity', { cause: err })
  }
  if (decoded.mspid === '' || decoded.idBytes.length === 0) throw new MspError('MSP_MALFORMED', 'SerializedIdentity lacks mspid or id_bytes')
  return { mspid: decoded.mspid, idBytes: decoded.idBytes }
}
