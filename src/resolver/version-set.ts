/**
 * A term's allowed set over one package's known candidates, as a bitset. Bit `i` (for
 * `i < candidates`) stands for the i-th candidate (ascending order); the extra top bit stands for
 * "the package is absent from the solution". With absence as an ordinary element, PubGrub's
 * positive and negative terms become plain sets and all term algebra (intersection, "satisfies",
 * "contradicts") is exact set algebra (dart-lang/pub doc/solver.md, "Term").
 */
export interface VersionSet {
  /** Number of known candidates; the set has `candidates + 1` bits, the last one meaning "absent". */
  readonly candidates: number;
  readonly words: Uint32Array;
}

function wordCount(candidates: number): number {
  return Math.ceil((candidates + 1) / 32);
}

export function emptySet(candidates: number): VersionSet {
  return { candidates, words: new Uint32Array(wordCount(candidates)) };
}

/** Every candidate and absence: the term that says nothing. */
export function universalSet(candidates: number): VersionSet {
  const set = emptySet(candidates);
  for (let bit = 0; bit <= candidates; bit++) setBit(set, bit);
  return set;
}

/** The candidates with the given indices (a positive term: the package is present). */
export function setOf(candidates: number, indices: readonly number[]): VersionSet {
  const set = emptySet(candidates);
  for (let i = 0; i < indices.length; i++) setBit(set, indices[i]!);
  return set;
}

function setBit(set: VersionSet, bit: number): void {
  set.words[bit >>> 5]! |= 1 << (bit & 31);
}

export function hasBit(set: VersionSet, bit: number): boolean {
  return (set.words[bit >>> 5]! & (1 << (bit & 31))) !== 0;
}

/** Does the set allow the package to be absent? (a negative term in PubGrub's words) */
export function allowsAbsence(set: VersionSet): boolean {
  return hasBit(set, set.candidates);
}

export function intersect(a: VersionSet, b: VersionSet): VersionSet {
  const words = new Uint32Array(a.words.length);
  for (let i = 0; i < words.length; i++) words[i] = a.words[i]! & b.words[i]!;
  return { candidates: a.candidates, words };
}

export function union(a: VersionSet, b: VersionSet): VersionSet {
  const words = new Uint32Array(a.words.length);
  for (let i = 0; i < words.length; i++) words[i] = a.words[i]! | b.words[i]!;
  return { candidates: a.candidates, words };
}

/** Complement within candidates-plus-absence: `not T` of pub's solver.md. */
export function complement(a: VersionSet): VersionSet {
  const words = new Uint32Array(a.words.length);
  for (let i = 0; i < words.length; i++) words[i] = ~a.words[i]!;
  const lastBits = (a.candidates + 1) & 31;
  if (lastBits !== 0) words[words.length - 1]! &= (1 << lastBits) - 1;
  return { candidates: a.candidates, words };
}

export function isEmpty(a: VersionSet): boolean {
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== 0) return false;
  return true;
}

export function isSubset(a: VersionSet, b: VersionSet): boolean {
  for (let i = 0; i < a.words.length; i++) if ((a.words[i]! & ~b.words[i]!) !== 0) return false;
  return true;
}

export function isDisjoint(a: VersionSet, b: VersionSet): boolean {
  for (let i = 0; i < a.words.length; i++) if ((a.words[i]! & b.words[i]!) !== 0) return false;
  return true;
}

export function isUniversal(a: VersionSet): boolean {
  return countCandidates(a) === a.candidates && allowsAbsence(a);
}

export function equalSets(a: VersionSet, b: VersionSet): boolean {
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== b.words[i]) return false;
  return true;
}

/** Candidate indices in the set, ascending (absence excluded). */
export function candidateIndices(a: VersionSet): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.candidates; i++) if (hasBit(a, i)) out.push(i);
  return out;
}

export function countCandidates(a: VersionSet): number {
  let count = 0;
  for (let i = 0; i < a.words.length; i++) count += popcount(a.words[i]!);
  return allowsAbsence(a) ? count - 1 : count;
}

function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A stable key for maps (same candidates and same bits give the same key). */
export function setKey(a: VersionSet): string {
  return Array.from(a.words, (word) => word.toString(16)).join('.');
}
