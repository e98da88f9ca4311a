import type { x509 } from './x509.js'

/**
 * A distinguished name as the Fabric Node shim's ClientIdentity prints it (and, for the usual
 * attributes, as Go's pkix.Name.String does): `SHORT=value` pairs from the last RDN to the first,
 * joined by commas, e.g. `CN=alice,OU=client,O=Org1,C=US`. Like the shim we escape only the first
 * '/' of a value as '\/' (it uses String.replace with a string pattern), so IDs match
 * byte-for-byte what Fabric JS chaincode sees.
 */
export function formatDn (name: x509.Name): string {
  const parts: string[] = []
  for (const rdn of name.toJSON()) {
    for (const [type, values] of Object.entries(rdn)) {
      for (const value of values) parts.push(`${SHORT_NAMES[type] ?? type}=${value.replace('/', '\\/')}`)
    }
  }
  return parts.reverse().join(',')
}

// x509 already names CN, L, ST, O, OU, C, DC, E, G, I, SN, T; these cover what Go adds.
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
  '2.5.4.5': 'SERIALNUMBER'
}

/** `x509::<subject>::<issuer>`: ClientIdentity.getID(). */
export function clientIdentityId (subject: x509.Name, issuer: x509.Name): string {
  return `x509::${formatDn(subject)}::${formatDn(issuer)}`
}
