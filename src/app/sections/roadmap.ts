/**
 * What arrives next, stated as a plan. Later sections (Network, Chaincode, Ledger explorer) replace
 * these lines with working panels; nothing here pretends to work before it does.
 */
import { h } from '../dom.js'

const NEXT: ReadonlyArray<readonly [string, string]> = [
  ['Network of tabs', 'Create a network (organisations, channel, orderers) and share an invite URL; tabs connect over libp2p WebRTC.'],
  ['Chaincode', 'Write JavaScript chaincode in the browser, deploy it through the lifecycle, invoke and query it.'],
  ['Ledger explorer', 'Watch blocks, read/write sets and validation codes arrive on every peer.'],
  ['Embeddable peer', 'Put a peer on any web page with one tag.']
]

export function roadmapSection (): HTMLElement {
  return h('section', { class: 'panel roadmap', id: 'roadmap', 'aria-labelledby': 'roadmap-title' },
    h('div', { class: 'panel-head' },
      h('h2', { id: 'roadmap-title' }, 'Coming next'),
      h('p', { class: 'panel-sub' }, 'This preview checks the peer\'s engines. These parts land next, in this order.')
    ),
    h('ol', { class: 'steps' },
      ...NEXT.map(([title, text]) => h('li', {}, h('strong', {}, title), h('span', {}, text)))
    )
  )
}
