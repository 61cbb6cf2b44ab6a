/**
 * What a PDF printed by Chromium says, enough for a test to check it: its page count and the
 * text of its pages. Chromium (Skia's PDF backend) writes plain object dictionaries and
 * Flate-compressed streams; text is shown as hex strings of glyph codes under the font a `Tf`
 * selects, and each font's ToUnicode CMap (ISO 32000-1 §9.10.3) maps its codes to Unicode —
 * one byte a code for the Type 3 fonts Skia makes of fonts it cannot embed, two for
 * Identity-H Type 0 fonts (the CMap's codespace range says which).
 */
import { inflateSync } from 'node:zlib'

export interface PdfFacts {
  pages: number
  /** The document information dictionary's /Title (ISO 32000-1 §14.3.3), or null. */
  title: string | null
  /** The text of each page, in the order it is drawn. */
  texts: string[]
}

interface PdfObject {
  dict: string
  stream: Buffer | undefined
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const out = new Map<number, PdfObject>()
  const whole = pdf.toString('latin1')
  for (const m of whole.matchAll(/(\d+) 0 obj\b/g)) {
    const at = m.index! + m[0].length
    const end = whole.indexOf('endobj', at)
    if (end < 0) continue
    const body = whole.slice(at, end)
    const s = body.indexOf('stream')
    let stream: Buffer | undefined
    let dict = body
    if (s >= 0) {
      dict = body.slice(0, s)
      const start = at + s + (whole.charCodeAt(at + s + 6) === 0x0d ? 8 : 7)
      const stop = whole.indexOf('endstream', start)
      const raw = pdf.subarray(start, stop)
      try {
        stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw
      } catch {
        stream = undefined
      }
    }
    out.set(Number(m[1]), { dict, stream })
  }
  return out
}

interface CMap {
  bytes: number
  map: Map<number, string>
}

function cmapOf(text: string): CMap {
  const map = new Map<number, string>()
  const utf16 = (h: string): string => {
    let s = ''
    for (let i = 0; i + 4 <= h.length; i += 4) s += String.fromCharCode(parseInt(h.slice(i, i + 4), 16))
    return s
  }
  const range = /begincodespacerange\s*<([0-9A-Fa-f]+)>/.exec(text)
  const bytes = range ? range[1]!.length / 2 : 2
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(m[1]!, 16), utf16(m[2]!))
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const a = parseInt(m[1]!, 16)
      const b = parseInt(m[2]!, 16)
      const first = parseInt(m[3]!, 16)
      for (let g = a; g <= b; g++) map.set(g, String.fromCodePoint(first + g - a))
    }
  }
  return { bytes, map }
}

const ref = (text: string, key: string): number | undefined => {
  const m = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(text)
  return m ? Number(m[1]) : undefined
}

/** A page's fonts by resource name → their CMaps. */
function fontsOf(page: string, objs: Map<number, PdfObject>): Map<string, CMap> {
  const out = new Map<string, CMap>()
  const resId = ref(page, 'Resources')
  const resources = resId !== undefined ? (objs.get(resId)?.dict ?? '') : page
  const fontId = ref(resources, 'Font')
  const fontDict = fontId !== undefined ? (objs.get(fontId)?.dict ?? '') : (/\/Font\s*<<([^>]*)>>/.exec(resources)?.[1] ?? '')
  for (const m of fontDict.matchAll(/\/([A-Za-z0-9_.+-]+)\s+(\d+) 0 R/g)) {
    const font = objs.get(Number(m[2]))?.dict ?? ''
    const tu = ref(font, 'ToUnicode')
    const cmap = tu !== undefined ? objs.get(tu)?.stream : undefined
    if (cmap) out.set(m[1]!, cmapOf(cmap.toString('latin1')))
  }
  return out
}

function pageText(content: string, fonts: Map<string, CMap>): string {
  let font: CMap | undefined
  let out = ''
  for (const m of content.matchAll(/\/([A-Za-z0-9_.+-]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>/g)) {
    if (m[1] !== undefined) {
      font = fonts.get(m[1])
      continue
    }
    if (!font) continue
    const h = m[2]!
    const w = font.bytes * 2
    for (let i = 0; i + w <= h.length; i += w) out += font.map.get(parseInt(h.slice(i, i + w), 16)) ?? ''
  }
  return out
}

/** A text string: hex, UTF-16BE with its byte-order mark (how Chromium writes non-Latin text), or literal. */
function titleOf(whole: string): string | null {
  const hex = /\/Title\s*<([0-9A-Fa-f]+)>/.exec(whole)
  if (hex) {
    const h = hex[1]!
    const bytes = Buffer.from(h, 'hex')
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString('utf16le')
    return bytes.toString('latin1')
  }
  const lit = /\/Title\s*\(((?:\\.|[^\\)])*)\)/.exec(whole)
  return lit ? lit[1]!.replace(/\\(.)/g, '$1') : null
}

export function pdfFacts(pdf: Buffer): PdfFacts {
  const objs = objects(pdf)
  const texts: string[] = []
  for (const o of objs.values()) {
    if (!/\/Type\s*\/Page\b(?!s)/.test(o.dict)) continue
    const fonts = fontsOf(o.dict, objs)
    const contents = /\/Contents\s*\[([^\]]*)\]/.exec(o.dict)?.[1] ?? /\/Contents\s+(\d+ 0 R)/.exec(o.dict)?.[1] ?? ''
    let text = ''
    for (const c of contents.matchAll(/(\d+) 0 R/g)) text += pageText(objs.get(Number(c[1]))?.stream?.toString('latin1') ?? '', fonts)
    texts.push(text)
  }
  return { pages: texts.length, title: titleOf(pdf.toString('latin1')), texts }
}

/**
 * Whether the PDF's text holds `needle`, white space ignored (a line's glyph runs may be split)
 * and compared under NFKC: a CJK font's ToUnicode may name a glyph by its Kangxi radical
 * (U+2F2F ⼯ for 工), which NFKC folds to the unified ideograph.
 */
export function pdfHasText(facts: PdfFacts, needle: string): boolean {
  const norm = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '')
  const n = norm(needle)
  return facts.texts.some((t) => norm(t).includes(n))
}
