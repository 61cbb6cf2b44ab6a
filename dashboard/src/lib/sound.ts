/**
 * A short beep for a new red or orange alarm (WebAudio, no audio file). Browsers only allow
 * sound after a user gesture, so the context is started after the first click or key press.
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

/**
 * Starts the context after the first click or key press. It is created once that gesture's frame
 * has painted, not in it: creating it took 18 – 29 ms of the first click on the command screen
 * (CPU profiles in the dashboard bench). A context created after a gesture may start (the page's
 * sticky activation); a browser that wants `resume()` inside a gesture gets it at the next one.
 */
export function unlockAudioOnGesture(): void {
  let pending = false
  const unlock = (): void => {
    if (ctx?.state === 'running') {
      removeEventListener('pointerdown', unlock)
      removeEventListener('keydown', unlock)
    } else if (ctx !== undefined) void ctx.resume()
    else if (!pending) {
      pending = true
      requestAnimationFrame(() => setTimeout(() => void context()?.resume()))
    }
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
