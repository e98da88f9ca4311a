/** The opening explanation: what Weft is, in the terms of the system it follows. */
import { h } from '../dom.js'

const PILLARS: ReadonlyArray<readonly [string, string]> = [
  ['Shared ledger', 'Blocks and world state live in IndexedDB in every tab, indexed by number, hash and transaction id.'],
  ['Smart contracts', 'JavaScript chaincode with Fabric\'s contract API runs isolated and records read/write sets.'],
  ['Consensus', 'Endorse, order, validate: signatures, endorsement policies, Raft ordering and MVCC checks.'],
  ['Permissioned', 'Every participant has an X.509 identity from its organisation; every action is signed.']
]

export function introSection (): HTMLElement {
  return h('section', { class: 'intro', 'aria-labelledby': 'intro-title' },
    h('p', { class: 'eyebrow' }, 'Hyperledger Fabric, in a browser tab'),
    h('h1', { id: 'intro-title' }, 'A permissioned ledger, ', h('span', { class: 'accent' }, 'running in your browser tab.')),
    h('p', { class: 'lede' },
      'Each tab is a peer. Peers find each other peer-to-peer, keep their ledger in the browser\'s own storage, ' +
      'and run the hot paths — hashing, signature checks, validation — in WebAssembly. ' +
      'Workshops need a URL, not an install.'),
    h('ul', { class: 'pillars' },
      ...PILLARS.map(([title, text]) => h('li', {}, h('strong', {}, title), h('span', {}, text)))
    )
  )
}
