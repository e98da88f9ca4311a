/** The Weft mark: threads woven over and under (also public/favicon.svg). */
export const LOGO_SVG = `
<svg class="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
  <defs>
    <linearGradient id="weft-logo-bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#4f46e5"/><stop offset="1" stop-color="#0ea5e9"/>
    </linearGradient>
  </defs>
  <rect width="32" height="32" rx="8" fill="url(#weft-logo-bg)"/>
  <g stroke="#fff" stroke-width="3" stroke-linecap="round" fill="none">
    <path d="M11 5v9M11 22v5"/>
    <path d="M21 5v1M21 14v13"/>
    <path d="M5 10h1M16 10h11"/>
    <path d="M5 18h11M26 18h1"/>
  </g>
</svg>`
