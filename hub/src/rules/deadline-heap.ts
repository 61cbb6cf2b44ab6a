/** A binary min-heap of (deadline, id), for timers over many devices: O(log n) push and pop. */
export class DeadlineHeap {
  private readonly at: number[] = []
  private readonly ids: string[] = []

  get size(): number {
    return this.at.length
  }

  push(deadline: number, id: string): void {
    this.at.push(deadline)
    this.ids.push(id)
    this.up(this.at.length - 1)
  }

  /** Earliest deadline, or undefined when empty. */
  peek(): number | undefined {
    return this.at[0]
  }

  /** Remove and return the entry with the earliest deadline. */
  pop(): { at: number; id: string } | undefined {
    const n = this.at.length
    if (n === 0) return undefined
    const top = { at: this.at[0] as number, id: this.ids[0] as string }
    const lastAt = this.at.pop() as number
    const lastId = this.ids.pop() as string
    if (n > 1) {
      this.at[0] = lastAt
      this.ids[0] = lastId
      this.down(0)
    }
    return top
  }

  clear(): void {
    this.at.length = 0
    this.ids.length = 0
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((this.at[p] as number) <= (this.at[i] as number)) return
      this.swap(i, p)
      i = p
    }
  }

  private down(i: number): void {
    const n = this.at.length
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < n && (this.at[l] as number) < (this.at[m] as number)) m = l
      if (r < n && (this.at[r] as number) < (this.at[m] as number)) m = r
      if (m === i) return
      this.swap(i, m)
      i = m
    }
  }

  private swap(a: number, b: number): void {
    const t = this.at[a] as number
    this.at[a] = this.at[b] as number
    this.at[b] = t
    const s = this.ids[a] as string
    this.ids[a] = this.ids[b] as string
    this.ids[b] = s
  }
}
