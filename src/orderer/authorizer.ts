import { ConfigEnvelope, ConfigUpdateEnvelope, HeaderType, Payload, SignatureHeader, Status, decode } from '../protos/index.js'
import type { BroadcastResponse, ChannelHeader, Envelope } from '../protos/index.js'
import type { Policy, SignedData } from '../policy/policy.js'

/**
 * Who may Broadcast and Deliver on a channel (Fabric's msgprocessor SigFilter and the deliver
 * SessionAccessControl). Returns undefined to allow, or the refusal (status and reason). The ordering chain calls it after the size
 * and shape checks; plug in any other rule (e.g. an orderer-org-only channel) here.
 */
export interface BroadcastAuthorizer {
  authorizeBroadcast(envelope: Envelope, channelHeader: ChannelHeader): Promise<BroadcastResponse | undefined>
  authorizeDeliver?(envelope: Envelope, channelHeader: ChannelHeader): Promise<BroadcastResponse | undefined>
}

/**
 * Fabric's protoutil Envelope.AsSignedData: the creator of the signature header signed the
 * payload bytes. Throws (a ProtoError) on a payload that does not decode.
 */
export function envelopeAsSignedData (envelope: Envelope): SignedData[] {
  const payload = decode(Payload, envelope.payload)
  const signatureHeader = decode(SignatureHeader, payload.header?.signatureHeader ?? new Uint8Array(0))
  return [{ identity: signatureHeader.creator, data: envelope.payload, signature: envelope.signature }]
}

/**
 * Fabric's ConfigUpdateEnvelope.AsSignedData for the update a CONFIG envelope was made from
 * (ConfigEnvelope.last_update): each ConfigSignature's creator signed signature_header ‖ config_update.
 * Empty when the config carries no update. Throws (a ProtoError) on bytes that do not decode.
 */
export function configUpdateSignedData (configEnvelopePayload: Uint8Array): SignedData[] {
  const lastUpdate = decode(ConfigEnvelope, configEnvelopePayload).lastUpdate
  if (lastUpdate === undefined) return []
  const update = decode(ConfigUpdateEnvelope, decode(Payload, lastUpdate.payload).data)
  return update.signatures.map(sig => ({
    identity: decode(SignatureHeader, sig.signatureHeader).creator,
    data: concat(sig.signatureHeader, update.configUpdate),
    signature: sig.signature
  }))
}

export interface ChannelPolicyAuthorizerInit {
  /** The channel's Writers policy, Fabric's `/Channel/Writers` (ChannelPolicies.require('/Channel/Writers')). */
  readonly writers: Policy
  /** The channel's Readers policy for Deliver, `/Channel/Readers`; Deliver is open without it. */
  readonly readers?: Policy
  /**
   * The policy a CONFIG envelope's update must satisfy (e.g. `/Channel/Admins`), over the
   * update's signatures. Fabric's configtx checks each changed element's mod_policy; Weft has no
   * configtx validator in the orderer yet, so one policy stands in for them. Without it, a CONFIG
   * envelope needs only Writers — acceptable for a workshop, not for untrusted writers.
   */
  readonly configAdmins?: Policy
}

/**
 * Broadcast needs the envelope's signature to verify and its creator to satisfy the channel's
 * Writers policy; Deliver the same with Readers. Both are one policy evaluation over the envelope's
 * signed data: a bad signature, an unknown MSP or a creator outside the policy all give FORBIDDEN,
 * as Fabric's SigFilter does (it does not tell the client which).
 */
export class ChannelPolicyAuthorizer implements BroadcastAuthorizer {
  constructor (private readonly init: ChannelPolicyAuthorizerInit) {}

  async authorizeBroadcast (envelope: Envelope, channelHeader: ChannelHeader): Promise<BroadcastResponse | undefined> {
    const refused = await check(this.init.writers, envelope, 'Writers')
    if (refused !== undefined || channelHeader.type !== HeaderType.CONFIG || this.init.configAdmins === undefined) return refused
    let signedData: SignedData[]
    try {
      signedData = configUpdateSignedData(decode(Payload, envelope.payload).data)
    } catch {
      return { status: Status.BAD_REQUEST, info: 'config envelope or its last update does not decode' }
    }
    if (signedData.length > 0 && await this.init.configAdmins.evaluateSignedData(signedData)) return undefined
    return { status: Status.FORBIDDEN, info: 'the config update is not signed by enough admins to satisfy the channel config policy' }
  }

  async authorizeDeliver (envelope: Envelope): Promise<BroadcastResponse | undefined> {
    return this.init.readers === undefined ? undefined : await check(this.init.readers, envelope, 'Readers')
  }
}

async function check (policy: Policy, envelope: Envelope, name: string): Promise<BroadcastResponse | undefined> {
  let signedData: SignedData[]
  try {
    signedData = envelopeAsSignedData(envelope)
  } catch {
    return { status: Status.BAD_REQUEST, info: 'envelope payload or signature header does not decode' }
  }
  if ((signedData[0]?.identity.byteLength ?? 0) === 0) return { status: Status.FORBIDDEN, info: 'envelope has no creator' }
  if (await policy.evaluateSignedData(signedData)) return undefined
  return { status: Status.FORBIDDEN, info: `the envelope's signature and creator do not satisfy the channel ${name} policy` }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
