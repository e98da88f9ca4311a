/**
 * Weft app shell. Renders the page, then measures this peer's facts one by one so the page paints
 * first. `window.weft` exposes a few hooks for end-to-end tests and curious users in the console.
 *
 * Layout: header, then `main.content` holding one `section.panel` per product area, in reading
 * order. Network, Chaincode and Ledger explorer panels slot in between "This peer" and the roadmap
 * (and leave the roadmap) as they land; each lives in `sections/<name>.ts` and gets a header link.
 */
import { sha256, sha256Backend } from '../crypto/sha256.js'
import { h, svg } from './dom.js'
import { toHex } from './format.js'
import { LOGO_SVG } from './logo.js'
import {
  type Fact,
  hashEngineFact,
  hashRateFact,
  secureContextFact,
  sha256SelfTestFact,
  storageFact,
  threadsFact,
  verifierFact
} from './probes.js'
import { introSection } from './sections/intro.js'
import { peerSection } from './sections/peer.js'
import { roadmapSection } from './sections/roadmap.js'

export interface WeftPageHooks {
  /** SHA-256 of the UTF-8 bytes of `text`, in hex, computed by the same engine the ledger uses. */
  sha256Hex: (text: string) => string
  sha256Backend: () => string
  /** Resolves with every fact once all probes have finished. */
  ready: Promise<Record<string, Fact>>
}

declare global {
  interface Window {
    weft?: WeftPageHooks
  }
}

function header (): HTMLElement {
  return h('header', { class: 'topbar' },
    h('div', { class: 'topbar-inner' },
      h('a', { class: 'brand', href: '/' }, svg(LOGO_SVG), h('span', { class: 'brand-name' }, 'Weft')),
      h('span', { class: 'badge' }, 'Preview'),
      h('nav', { class: 'topnav', 'aria-label': 'Sections' },
        h('a', { href: '#peer' }, 'This peer'),
        h('a', { href: '#roadmap' }, 'Roadmap')
      )
    )
  )
}

function footer (): HTMLElement {
  return h('footer', { class: 'footer' },
    h('p', {}, 'Weft follows Hyperledger Fabric\'s execute–order–validate design. Apache-2.0.')
  )
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))

async function measure (show: (id: string, fact: Fact) => void): Promise<Record<string, Fact>> {
  const facts: Record<string, Fact> = {}
  const record = (id: string, fact: Fact): void => {
    facts[id] = fact
    show(id, fact)
  }
  const subtle = globalThis.isSecureContext ? globalThis.crypto?.subtle : undefined
  record('secure-context', secureContextFact(globalThis.isSecureContext, location.origin))
  record('threads', threadsFact(navigator.hardwareConcurrency))
  record('hash-engine', hashEngineFact())
  record('sha256-selftest', await sha256SelfTestFact(subtle))
  const storage = storageFact(navigator.storage, globalThis.isSecureContext)
  const verifier = verifierFact()
  record('storage', await storage)
  record('verifier', await verifier)
  await nextFrame() // let the finished cards paint before the timed loop holds the main thread
  record('hash-rate', hashRateFact())
  return facts
}

function start (): void {
  const root = document.getElementById('app')
  if (root === null) throw new Error('Weft: #app element missing from index.html')
  const peer = peerSection()
  root.append(
    header(),
    h('main', { class: 'content' }, introSection(), peer.element, roadmapSection()),
    footer()
  )
  const ready = nextFrame().then(() => measure(peer.show))
  window.weft = Object.freeze({
    sha256Hex: (text: string) => toHex(sha256(new TextEncoder().encode(text))),
    sha256Backend: () => sha256Backend(),
    ready
  })
  ready.then(() => { document.body.dataset.ready = 'true' }, () => { document.body.dataset.ready = 'error' })
}

start()
