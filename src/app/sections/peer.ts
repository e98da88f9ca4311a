/** "This peer": the live facts measured in this tab, one card each. */
import { h } from '../dom.js'
import type { Fact } from '../probes.js'

export interface FactSlot {
  id: string
  label: string
}

export const PEER_FACTS: readonly FactSlot[] = [
  { id: 'hash-engine', label: 'Hashing engine' },
  { id: 'sha256-selftest', label: 'SHA-256 self-test' },
  { id: 'hash-rate', label: 'Batch hashing' },
  { id: 'verifier', label: 'Signature verifier' },
  { id: 'secure-context', label: 'Secure context' },
  { id: 'storage', label: 'IndexedDB storage' },
  { id: 'threads', label: 'Threads' }
]

export interface PeerSection {
  element: HTMLElement
  show: (id: string, fact: Fact) => void
}

export function peerSection (): PeerSection {
  const cards = new Map<string, HTMLElement>()
  const grid = h('div', { class: 'facts' })
  for (const slot of PEER_FACTS) {
    const card = h('article', { class: 'fact', 'data-testid': `fact-${slot.id}`, 'data-status': 'pending' },
      h('div', { class: 'fact-label' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), slot.label),
      h('div', { class: 'fact-value' }, 'Measuring…'),
      h('p', { class: 'fact-detail' }, '\u00a0')
    )
    cards.set(slot.id, card)
    grid.append(card)
  }
  const element = h('section', { class: 'panel', id: 'peer', 'aria-labelledby': 'peer-title' },
    h('div', { class: 'panel-head' },
      h('h2', { id: 'peer-title' }, 'This peer'),
      h('p', { class: 'panel-sub' }, 'Measured in this tab when it opened. Every Weft peer checks its engines before it joins a network.')
    ),
    grid
  )
  return {
    element,
    show (id, fact) {
      const card = cards.get(id)
      if (card === undefined) throw new RangeError(`peerSection: unknown fact id "${id}"`)
      card.dataset.status = fact.status
      if (fact.raw !== undefined) card.dataset.value = fact.raw
      const value = card.querySelector('.fact-value')
      const detail = card.querySelector('.fact-detail')
      if (value !== null) value.textContent = fact.value
      if (detail !== null) detail.textContent = fact.detail
    }
  }
}
