/**
 * Builds the guest's view of a transaction (WireTxInfo) from the host's TxContext: decodes the
 * creator with src/msp (the guest has no X.509 parser), the signed proposal with src/protos, and
 * computes Fabric's binding when the endorser did not pass one.
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256 } from '../crypto/sha256.js'
import { NobleVerifier } from '../crypto/verifier-noble.js'
import { Identity } from '../msp/identity.js'
import { decodeSerializedIdentity } from '../msp/serialized-identity.js'
import type { x509 } from '../msp/x509.js'
import { ChaincodeProposalPayload, ChannelHeader, Header, Proposal, SignatureHeader, SignedProposal, decode } from '../protos/index.js'
import { ChaincodeError } from './errors.js'
import type { WireCertName, WireCertificate, WireIdentity, WireSignedProposal, WireTxInfo } from './protocol.js'
import type { TxContext } from './types.js'

const NAME_FIELDS: Array<[keyof Omit<WireCertName, 'attributes'>, string]> = [
  ['commonName', 'CN'], ['organizationName', 'O'], ['organizationalUnitName', 'OU'],
  ['countryName', 'C'], ['localityName', 'L'], ['stateOrProvinceName', 'ST']
]

/** X.520 attribute type OIDs of the short names @peculiar/x509 uses. */
const NAME_OIDS: Record<string, string> = {
  CN: '2.5.4.3', O: '2.5.4.10', OU: '2.5.4.11', C: '2.5.4.6', L: '2.5.4.7', ST: '2.5.4.8',
  SERIALNUMBER: '2.5.4.5', STREET: '2.5.4.9', DC: '0.9.2342.19200300.100.1.25', E: '1.2.840.113549.1.9.1'
}

function certName (name: x509.Name): WireCertName {
  const out = { attributes: [] } as unknown as WireCertName
  for (const [field, short] of NAME_FIELDS) out[field] = name.getField(short)[0] ?? ''
  for (const rdn of name.toJSON()) {
    for (const [type, values] of Object.entries(rdn)) {
      const oid = NAME_OIDS[type] ?? type
      for (const value of values) out.attributes.push({ oid, shortName: NAME_OIDS[type] === undefined ? '' : type, value })
    }
  }
  return out
}

function certificateOf (identity: Identity): WireCertificate {
  const c = identity.certificate
  return {
    raw: bytesToHex(new Uint8Array(c.rawData)),
    serialNumber: c.serialNumber,
    validFrom: c.notBefore.toISOString(),
    validTo: c.notAfter.toISOString(),
    signatureAlgorithm: 'ecdsaWithSha256',
    subject: certName(c.subjectName),
    issuer: certName(c.issuerName),
    publicKeyRaw: bytesToHex(identity.publicKey)
  }
}

/** Parsing a certificate costs milliseconds; creators repeat, so the last few are remembered. */
const IDENTITY_CACHE_SIZE = 256
const identityCache = new Map<string, WireIdentity>()

/** Decoded creator facts; throws CHAINCODE_BAD_INPUT when the creator is not an X.509 SerializedIdentity. */
export function wireIdentity (creator: Uint8Array): WireIdentity {
  const cacheKey = bytesToHex(creator)
  const cached = identityCache.get(cacheKey)
  if (cached !== undefined) {
    identityCache.delete(cacheKey)
    identityCache.set(cacheKey, cached)
    return cached
  }
  const identity = parseIdentity(creator, bytesToHex(sha256(creator)))
  identityCache.set(cacheKey, identity)
  if (identityCache.size > IDENTITY_CACHE_SIZE) identityCache.delete(identityCache.keys().next().value as string)
  return identity
}

function parseIdentity (creator: Uint8Array, key: string): WireIdentity {
  try {
    const fields = decodeSerializedIdentity(creator)
    const identity = new Identity(fields.mspid, fields.idBytes, new NobleVerifier({ precomputeWindow: 0 }))
    return Object.freeze({
      key,
      id: identity.id,
      mspId: identity.mspId,
      idBytes: bytesToHex(identity.idBytes),
      attributes: Object.freeze({ ...identity.attributes }),
      certificate: certificateOf(identity)
    })
  } catch (err) {
    throw new ChaincodeError('CHAINCODE_BAD_INPUT', 'creator is not an X.509 SerializedIdentity', { cause: err })
  }
}

function epochBytes (epoch: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(epoch), true)
  return b
}

interface DecodedProposal { wire: WireSignedProposal, binding: string }

export function decodeSignedProposal (bytes: Uint8Array): DecodedProposal {
  try {
    const sp = decode(SignedProposal, bytes)
    const proposal = decode(Proposal, sp.proposalBytes)
    const header = decode(Header, proposal.header)
    const ch = decode(ChannelHeader, header.channelHeader)
    const sh = decode(SignatureHeader, header.signatureHeader)
    const creator = decodeSerializedIdentity(sh.creator)
    const payload = decode(ChaincodeProposalPayload, proposal.payload)
    const binding = bytesToHex(sha256(concat(sh.nonce, sh.creator, epochBytes(ch.epoch))))
    return {
      binding,
      wire: {
        signature: bytesToHex(sp.signature),
        proposal: {
          header: {
            channelHeader: {
              type: ch.type,
              version: ch.version,
              timestamp: { seconds: ch.timestamp?.seconds ?? 0, nanos: ch.timestamp?.nanos ?? 0 },
              channelId: ch.channelId,
              txId: ch.txId,
              epoch: ch.epoch,
              extension: bytesToHex(ch.extension),
              tlsCertHash: bytesToHex(ch.tlsCertHash)
            },
            signatureHeader: { creator: { mspid: creator.mspid, idBytes: bytesToHex(creator.idBytes) }, nonce: bytesToHex(sh.nonce) }
          },
          payload: { input: bytesToHex(payload.input), transientMap: [...payload.TransientMap].map(([k, v]) => [k, bytesToHex(v)]) }
        }
      }
    }
  } catch (err) {
    throw new ChaincodeError('CHAINCODE_BAD_INPUT', 'signedProposal is not a valid SignedProposal', { cause: err })
  }
}

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

export function buildTxInfo (ctx: TxContext, args: readonly Uint8Array[], chaincodeName: string, localMspId: string): WireTxInfo {
  const identity = wireIdentity(ctx.creator)
  const proposal = ctx.signedProposal === undefined ? undefined : decodeSignedProposal(ctx.signedProposal)
  return {
    txId: ctx.txId,
    channelId: ctx.channelId,
    chaincodeName,
    localMspId,
    isInit: ctx.isInit === true,
    args: args.map((a) => bytesToHex(a)),
    transient: [...(ctx.transient ?? new Map<string, Uint8Array>())].map(([k, v]) => [k, bytesToHex(v)]),
    creator: { mspid: identity.mspId, idBytes: identity.idBytes },
    identity,
    timestamp: { seconds: ctx.timestamp.seconds, nanos: ctx.timestamp.nanos },
    binding: ctx.binding ?? proposal?.binding ?? '',
    ...(proposal !== undefined ? { signedProposal: proposal.wire } : {})
  }
}
