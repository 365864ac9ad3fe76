import type { PartialSolution } from './partial-solution.js';
import { allowsAbsence, countCandidates, type VersionSet } from './version-set.js';

/**
 * The packages awaiting a decision (pubgrub-rs keeps them in a priority queue beside the partial
 * solution): with `fewestFirst`, the one with the fewest candidates left, ties by name; otherwise by
 * name alone.
 */
export class PendingDecisions {
  private readonly queue = new PendingQueue();

  constructor(private readonly fewestFirst: boolean) {}

  /** Queues a package whose current term changed, if it now awaits a decision. */
  enqueue(partial: PartialSolution, pkg: string, current: VersionSet): void {
    if (allowsAbsence(current) || partial.isDecided(pkg)) return;
    this.queue.push(this.count(current), pkg);
  }

  /** The next package to decide, or null when every required package is decided. */
  next(partial: PartialSolution): string | null {
    const queue = this.queue;
    while (queue.size > 0) {
      const { count, pkg } = queue.peek();
      const current = partial.assigned(pkg);
      if (
        current !== null &&
        !partial.isDecided(pkg) &&
        !allowsAbsence(current) &&
        count === this.count(current)
      )
        return pkg;
      queue.pop();
    }
    return null;
  }

  private count(set: VersionSet): number {
    return this.fewestFirst ? countCandidates(set) : 0;
  }
}

/**
 * Packages awaiting a decision, least (candidate count, name) first: a binary heap with lazy
 * deletion. An entry goes stale when its package's term changes; a fresh entry is pushed then, and
 * the solver drops stale entries as they surface, so choosing the next package is O(log n).
 */
class PendingQueue {
  private readonly counts: number[] = [];
  private readonly names: string[] = [];

  get size(): number {
    return this.counts.length;
  }

  peek(): { count: number; pkg: string } {
    return { count: this.counts[0]!, pkg: this.names[0]! };
  }

  push(count: number, pkg: string): void {
    let i = this.counts.length;
    this.counts.push(count);
    this.names.push(pkg);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.names.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < this.counts.length && this.less(left, least)) least = left;
      if (right < this.counts.length && this.less(right, least)) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private less(a: number, b: number): boolean {
    const countA = this.counts[a]!;
    const countB = this.counts[b]!;
    return countA < countB || (countA === countB && this.names[a]! < this.names[b]!);
  }

  private swap(a: number, b: number): void {
    const count = this.counts[a]!;
    this.counts[a] = this.counts[b]!;
    this.counts[b] = count;
    const name = this.names[a]!;
    this.names[a] = this.names[b]!;
    this.names[b] = name;
  }
}
