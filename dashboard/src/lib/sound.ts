/**
 * A short beep for a new red or orange alarm (WebAudio, no audio file). Browsers only allow
 * sound after a user gesture, so the context is unlocked on the first click or key press.
 */
import type { AlarmLevel } from '../../../hub/src/model/alarm.js'

let ctx: AudioContext | undefined

function context(): AudioContext | undefined {
  if (ctx === undefined) {
    const Ctor = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
    if (Ctor === undefined) return undefined
    ctx = new Ctor()
  }
  return ctx
}

export function unlockAudioOnGesture(): void {
  const unlock = () => {
    void context()?.resume()
    removeEventListener('pointerdown', unlock)
    removeEventListener('keydown', unlock)
  }
  addEventListener('pointerdown', unlock)
  addEventListener('keydown', unlock)
}

/** Red: three high beeps; orange: two lower ones. About half a second in all. */
export function beep(level: AlarmLevel): void {
  const ac = context()
  if (ac === undefined || ac.state !== 'running') return
  const freq = level === 1 ? 1046 : 784
  const count = level === 1 ? 3 : 2
  const start = ac.currentTime + 0.01
  for (let i = 0; i < count; i++) {
    const t = start + i * 0.18
    const osc = ac.createOscillator()
    const gain = ac.createGain()
    osc.type = 'square'
    osc.frequency.value = freq
    gain.gain.setValueAtTime(0.0001, t)
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.01)
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.12)
    osc.connect(gain).connect(ac.destination)
    osc.start(t)
    osc.stop(t + 0.13)
  }
}
