/** A tiny element builder: enough for a static shell without a framework. */
export type Child = Node | string | null | undefined | false

export function h<K extends keyof HTMLElementTagNameMap> (
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') element.className = value
    else element.setAttribute(name, value)
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.append(child)
  }
  return element
}

/** Inline SVG from trusted, static markup in this bundle (never from user input). */
export function svg (markup: string): Element {
  const template = document.createElement('template')
  template.innerHTML = markup.trim()
  const element = template.content.firstElementChild
  if (element === null) throw new TypeError('svg: empty markup')
  return element
}
