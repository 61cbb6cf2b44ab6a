import { describe, expect, it } from 'vitest'
import { csvField, neutraliseText } from '../../../hub/src/energy/csv.js'

describe('CSV cells a spreadsheet would run as formulas (OWASP CSV injection)', () => {
  it('prefixes a quote to text starting with = + - @ tab or carriage return', () => {
    expect(neutraliseText('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")')
    expect(neutraliseText('+1+1')).toBe("'+1+1")
    expect(neutraliseText('-2+3')).toBe("'-2+3")
    expect(neutraliseText('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(neutraliseText('\tcmd')).toBe("'\tcmd")
    expect(neutraliseText('\rcmd')).toBe("'\rcmd")
    expect(neutraliseText('沐钒 = 钛白')).toBe('沐钒 = 钛白')
    expect(neutraliseText('')).toBe('')
  })

  it('quotes a neutralised field as RFC 4180 asks, and leaves numbers as numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(csvField(-3.5)).toBe('-3.5')
    expect(csvField(-0.001)).toBe('-0.001')
    expect(csvField('-3.5')).toBe("'-3.5")
    expect(csvField(null)).toBe('')
  })
})
