import { MspError } from './errors.js'

/**
 * Fabric CA attributes (fabric-ca lib/attrmgr): a non-critical extension with OID
 * 1.2.3.4.5.6.7.8.1 whose value is the raw JSON `{"attrs":{"name":"value",...}}` — not wrapped
 * in any ASN.1 type. Chaincode reads it through ClientIdentity.getAttributeValue.
 */
export const ATTRIBUTE_EXTENSION_OID = '1.2.3.4.5.6.7.8.1'

export type Attributes = Readonly<Record<string, string>>

export function encodeAttributes (attrs: Attributes): Uint8Array {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'string' || name === '') throw new MspError('MSP_MALFORMED', `attribute ${name} must have a non-empty name and a string value`)
  }
  // fromEntries defines own properties, so even a name like "__proto__" is kept as data.
  return new TextEncoder().encode(JSON.stringify({ attrs: Object.fromEntries(Object.entries(attrs)) }))
}

export function decodeAttributes (bytes: Uint8Array): Attributes {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new MspError('MSP_MALFORMED', 'attribute extension is not JSON', { cause: err })
  }
  const attrs = (parsed as { attrs?: unknown } | null)?.attrs
  if (attrs === undefined || attrs === null) return Object.freeze({})
  if (typeof attrs !== 'object' || Array.isArray(attrs)) throw new MspError('MSP_MALFORMED', 'attribute extension has no "attrs" object')
  const entries = Object.entries(attrs)
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw new MspError('MSP_MALFORMED', `attribute ${name} is not a string`)
  }
  return Object.freeze(Object.fromEntries(entries) as Record<string, string>)
}
