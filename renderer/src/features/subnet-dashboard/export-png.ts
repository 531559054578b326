/** Saves a file the user chose to export (a Blob) under `fileName`, as the browser's download. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * The chart as a PNG: its SVG, with the computed colours written in (the page's CSS variables do
 * not travel with a serialized SVG), drawn on a white canvas at twice the size for sharpness.
 * `legend` lines are drawn under the chart, since the chart's legend is HTML, not SVG.
 */
export async function chartPng(svg: SVGSVGElement, title: string, legend: ReadonlyArray<{ label: string; color: string }>): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect()
  const clone = svg.cloneNode(true) as SVGSVGElement
  inlineColors(svg, clone)
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  clone.setAttribute('width', String(width))
  clone.setAttribute('height', String(height))
  // A data: URL: the page's Content-Security-Policy allows images from data:, not from blob:.
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(clone))}`
  const img = new Image()
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve()
    img.onerror = () => reject(new Error('the chart could not be drawn as an image'))
    img.src = url
  })
  const scale = 2
  const top = 36
  const legendHeight = 22 * Math.ceil(legend.length / 3) + 12
  const canvas = document.createElement('canvas')
  canvas.width = width * scale
  canvas.height = (height + top + legendHeight) * scale
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('this browser cannot draw on a canvas')
  ctx.scale(scale, scale)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, width, height + top + legendHeight)
  ctx.fillStyle = '#222222'
  ctx.font = '600 15px sans-serif'
  ctx.fillText(title, 12, 22)
  ctx.drawImage(img, 0, top, width, height)
  ctx.font = '13px sans-serif'
  legend.forEach((l, i) => {
    const x = 16 + (i % 3) * (width / 3)
    const y = top + height + 20 + Math.floor(i / 3) * 22
    ctx.fillStyle = l.color
    ctx.fillRect(x, y - 9, 18, 4)
    ctx.fillStyle = '#222222'
    ctx.fillText(l.label, x + 24, y - 3)
  })
  return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))), 'image/png'))
}

/** Copies the computed stroke, fill and font of every element onto the clone. */
function inlineColors(from: Element, to: Element): void {
  const style = getComputedStyle(from)
  const el = to as SVGElement
  for (const prop of ['stroke', 'fill', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-family', 'opacity'] as const) {
    const v = style.getPropertyValue(prop)
    if (v) el.style.setProperty(prop, v)
  }
  for (let i = 0; i < from.children.length; i++) inlineColors(from.children[i], to.children[i])
}
