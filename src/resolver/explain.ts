import { isDerived, ROOT, type Cause, type Incompatibility } from './incompatibility.js';
import type { Explanation, ExplanationLine } from './types.js';
import type { PackageInfo } from './universe.js';
import {
  allowsAbsence,
  candidateIndices,
  complement,
  equalSets,
  intersect,
  isEmpty,
  isSubset,
  setKey,
  type VersionSet,
} from './version-set.js';

export interface ExplainContext {
  readonly packages: ReadonlyMap<string, PackageInfo>;
  /** Per package, set key → the constraint text a dependency used for exactly that set. */
  readonly constraintNames: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Packages the image pins (origin "pin"), with the constraint text of the pin. */
  readonly pinned: ReadonlyMap<string, string>;
}

/** `dbt-core>=1.11.6`, `dbt-core 1.2 or 1.3`, or just `dbt-core` for "any version". */
export function formatRequirement(pkg: string, constraint: string): string {
  if (constraint === '') return pkg;
  return /^[<>=!~]/.test(constraint) ? `${pkg}${constraint}` : `${pkg} ${constraint}`;
}

/**
 * Renders the derivation tree of a terminal incompatibility as numbered sentences, following the
 * error reporting algorithm of dart-lang/pub doc/solver.md ("Error Reporting"): a linear chain is
 * told in order; a sub-derivation used twice gets a line number and is referred back to.
 */
export function explainFailure(root: Incompatibility, context: ExplainContext): Explanation {
  const writer = new ReportWriter(root, context);
  const lines = writer.write();
  const width = lines.some((line) => line.number !== undefined)
    ? Math.max(...lines.map((line) => `(${line.number ?? 0}) `.length))
    : 0;
  const text = lines
    .map((line) => {
      if (line.text === '') return '';
      const prefix = line.number === undefined ? '' : `(${line.number}) `;
      return prefix.padEnd(width) + line.text;
    })
    .join('\n');
  return { lines, text };
}

class ReportWriter {
  private readonly derivations = new Map<number, number>();
  private readonly lineNumbers = new Map<number, number>();
  private readonly lines: ExplanationLine[] = [];

  constructor(
    private readonly root: Incompatibility,
    private readonly context: ExplainContext,
  ) {}

  write(): ExplanationLine[] {
    if (!isDerived(this.root)) {
      this.lines.push({ text: `Because ${this.describe(this.root)}, ${this.terms(this.root)}.` });
      return this.lines;
    }
    this.count(this.root);
    this.visit(this.root, false);
    return this.lines;
  }

  private count(incompat: Incompatibility): void {
    const seen = this.derivations.get(incompat.id);
    this.derivations.set(incompat.id, (seen ?? 0) + 1);
    if (seen !== undefined || !isDerived(incompat)) return;
    this.count(incompat.cause.left);
    this.count(incompat.cause.right);
  }

  private emit(incompat: Incompatibility, text: string, numbered: boolean): void {
    if (!numbered) {
      this.lines.push({ text });
      return;
    }
    const number = this.lineNumbers.size + 1;
    this.lineNumbers.set(incompat.id, number);
    this.lines.push({ text, number });
  }

  private visit(incompat: Incompatibility, conclusion: boolean): void {
    if (!isDerived(incompat)) return;
    const numbered = conclusion || (this.derivations.get(incompat.id) ?? 0) > 1;
    const conjunction = conclusion || incompat === this.root ? 'So,' : 'And';
    const result = this.terms(incompat);
    const { left, right } = incompat.cause;

    if (isDerived(left) && isDerived(right)) {
      const leftLine = this.lineNumbers.get(left.id);
      const rightLine = this.lineNumbers.get(right.id);
      if (leftLine !== undefined && rightLine !== undefined) {
        this.emit(
          incompat,
          `Because ${this.terms(left)} (${leftLine}) and ${this.terms(right)} (${rightLine}), ${result}.`,
          numbered,
        );
      } else if (leftLine !== undefined || rightLine !== undefined) {
        const [withLine, line, without] =
          leftLine !== undefined ? [left, leftLine, right] : [right, rightLine!, left];
        this.visit(without, false);
        this.emit(incompat, `${conjunction} because ${this.terms(withLine)} (${line}), ${result}.`, numbered);
      } else if (isSingleLine(left) || isSingleLine(right)) {
        const [first, second] = isSingleLine(left) ? [right, left] : [left, right];
        this.visit(first, false);
        this.visit(second, false);
        this.emit(incompat, `Thus, ${result}.`, numbered);
      } else {
        this.visit(left, true);
        this.lines.push({ text: '' });
        this.visit(right, false);
        const line = this.lineNumbers.get(left.id)!;
        this.emit(incompat, `${conjunction} because ${this.terms(left)} (${line}), ${result}.`, numbered);
      }
      return;
    }

    if (isDerived(left) || isDerived(right)) {
      const [derived, external] = isDerived(left) ? [left, right] : [right, left];
      const line = this.lineNumbers.get(derived.id);
      if (line !== undefined) {
        this.emit(
          incompat,
          `Because ${this.describe(external)} and ${this.terms(derived)} (${line}), ${result}.`,
          numbered,
        );
      } else if (this.isCollapsible(derived)) {
        const cause = derived.cause as Extract<Cause, { kind: 'derived' }>;
        const [priorDerived, priorExternal] = isDerived(cause.left)
          ? [cause.left, cause.right]
          : [cause.right, cause.left];
        this.visit(priorDerived, false);
        this.emit(
          incompat,
          `${conjunction} because ${this.both(priorExternal, external)}, ${result}.`,
          numbered,
        );
      } else {
        this.visit(derived, false);
        this.emit(incompat, `${conjunction} because ${this.describe(external)}, ${result}.`, numbered);
      }
      return;
    }

    this.emit(incompat, `Because ${this.both(left, right)}, ${result}.`, numbered);
  }

  private isCollapsible(incompat: Incompatibility): boolean {
    if ((this.derivations.get(incompat.id) ?? 0) > 1) return false;
    if (!isDerived(incompat)) return false;
    const { left, right } = incompat.cause;
    if (isDerived(left) === isDerived(right)) return false;
    const complex = isDerived(left) ? left : right;
    return !this.lineNumbers.has(complex.id);
  }

  /** Two external facts joined, with pub's "depends on both" and "which depends on" shortcuts. */
  private both(a: Incompatibility, b: Incompatibility): string {
    const ca = a.cause;
    const cb = b.cause;
    if (ca.kind === 'dependency' && cb.kind === 'dependency') {
      if (ca.package === cb.package && ca.version === cb.version) {
        return `${ca.package} ${ca.version} depends on both ${dependencyText(ca.dependency)} and ${dependencyText(cb.dependency)}`;
      }
      // pub's "foo depends on bar which depends on baz": only when every bar foo accepts is the
      // bar that depends on baz, or the sentence would claim more than the facts say.
      if (this.chains(a, b)) return `${this.describe(a)} which depends on ${dependencyText(cb.dependency)}`;
      if (this.chains(b, a)) return `${this.describe(b)} which depends on ${dependencyText(ca.dependency)}`;
    }
    if (ca.kind === 'requirement' && cb.kind === 'requirement') {
      const ra = ca.requirement;
      const rb = cb.requirement;
      const sameVoice = (ra.source ?? 'the image') === (rb.source ?? 'the image') && ra.origin === rb.origin;
      if (
        sameVoice &&
        (ra.origin ?? 'request') === 'request' &&
        this.isSatisfiable(a) &&
        this.isSatisfiable(b)
      ) {
        return `${ra.source ?? 'the image'} requires both ${dependencyText(ra)} and ${dependencyText(rb)}`;
      }
    }
    return `${this.describe(a)} and ${this.describe(b)}`;
  }

  private chains(first: Incompatibility, second: Incompatibility): boolean {
    const ca = first.cause;
    const cb = second.cause;
    if (ca.kind !== 'dependency' || cb.kind !== 'dependency') return false;
    if (ca.dependency.package !== cb.package || cb.package === ca.package) return false;
    const accepted = first.terms.get(cb.package);
    const depender = second.terms.get(cb.package);
    if (accepted === undefined || depender === undefined) return false;
    return isSubset(this.forbidden(cb.package, accepted), depender);
  }

  private isSatisfiable(incompat: Incompatibility): boolean {
    const cause = incompat.cause;
    if (cause.kind === 'requirement') return incompat.terms.has(cause.requirement.package);
    if (cause.kind === 'dependency') return incompat.terms.has(cause.dependency.package);
    return true;
  }

  /** An external incompatibility as the fact it records. */
  private describe(incompat: Incompatibility): string {
    const cause = incompat.cause;
    switch (cause.kind) {
      case 'root':
        return 'the image must be resolved';
      case 'requirement': {
        const requirement = cause.requirement;
        const source = requirement.source ?? 'the image';
        const nothing = this.isSatisfiable(incompat) ? '' : ' (no available version matches)';
        if (requirement.origin === 'present') return `${source} keeps ${requirement.package}${nothing}`;
        if (requirement.origin === 'pin') {
          const version = this.pinnedVersion(incompat, requirement.package);
          return version === null
            ? `${source} pins ${dependencyText(requirement)}${nothing}`
            : `${source} pins ${requirement.package} ${version}`;
        }
        return `${source} requires ${dependencyText(requirement)}${nothing}`;
      }
      case 'dependency': {
        const nothing = this.isSatisfiable(incompat) ? '' : ' (no available version matches)';
        return `${cause.package} ${cause.version} depends on ${dependencyText(cause.dependency)}${nothing}`;
      }
      case 'no-versions': {
        const [pkg, set] = [...incompat.terms][0] ?? ['', undefined];
        if (set === undefined) return 'no versions are available';
        const info = this.context.packages.get(pkg);
        if (info === undefined || info.versions.length === 0) return `no versions of ${pkg} are available`;
        return `no version of ${this.range(pkg, set, 'object')} is available`;
      }
      case 'derived':
        return this.terms(incompat);
    }
  }

  private pinnedVersion(incompat: Incompatibility, pkg: string): string | null {
    const term = incompat.terms.get(pkg);
    const info = this.context.packages.get(pkg);
    if (term === undefined || info === undefined) return null;
    const allowed = candidateIndices(intersect(complement(term), info.any));
    return allowed.length === 1 ? info.versions[allowed[0]!]! : null;
  }

  /** What a (derived) incompatibility says, in words. */
  private terms(incompat: Incompatibility): string {
    const terms = [...incompat.terms].filter(([pkg]) => pkg !== ROOT);
    if (terms.length === 0) return 'these requirements cannot all be met';
    const positive = terms.filter(([, set]) => !allowsAbsence(set));
    const negative = terms.filter(([, set]) => allowsAbsence(set));
    if (terms.length === 1) {
      const [pkg, set] = terms[0]!;
      if (negative.length === 1) return `${this.range(pkg, this.forbidden(pkg, set), 'object')} is required`;
      const info = this.context.packages.get(pkg);
      if (info !== undefined && equalSets(set, info.any)) return `no version of ${pkg} can be used`;
      const pin = this.context.pinned.get(pkg);
      const verb =
        pin !== undefined && candidateIndices(set).length === 1 ? 'cannot be kept' : 'cannot be used';
      return `${this.range(pkg, set, 'subject')} ${verb}`;
    }
    const pos = positive.map(([pkg, set]) => this.range(pkg, set, 'subject'));
    const neg = negative.map(([pkg, set]) => this.range(pkg, this.forbidden(pkg, set), 'object'));
    if (pos.length === 1 && neg.length === 1) return `${pos[0]} requires ${neg[0]}`;
    if (neg.length === 0) {
      return pos.length === 2
        ? `${pos[0]} is incompatible with ${pos[1]}`
        : `${listOf(pos, 'and')} cannot all be used together`;
    }
    if (pos.length === 0)
      return `${neg.length === 2 ? 'either ' : 'one of '}${listOf(neg, 'or')} is required`;
    return `if ${listOf(pos, 'and')} are used, ${listOf(neg, 'or')} is required`;
  }

  /** A negative term `not S` is about S, the candidates it rules out. */
  private forbidden(pkg: string, set: VersionSet): VersionSet {
    const info = this.context.packages.get(pkg);
    return info === undefined ? set : intersect(complement(set), info.any);
  }

  /**
   * A set of candidates in words: the constraint text users wrote when it matches exactly,
   * else single versions and runs (`1.9.0 through 1.10.4`).
   */
  private range(pkg: string, set: VersionSet, role: 'subject' | 'object'): string {
    const info = this.context.packages.get(pkg);
    if (info === undefined) return pkg;
    const positive = intersect(set, info.any);
    if (isEmpty(positive)) return `${pkg} (no version)`;
    if (equalSets(positive, info.any)) return role === 'subject' ? `every version of ${pkg}` : pkg;
    const indices = candidateIndices(positive);
    if (indices.length === 1) return `${pkg} ${info.versions[indices[0]!]!}`;
    const named = this.context.constraintNames.get(pkg)?.get(setKey(positive));
    if (named !== undefined && named !== '') return formatRequirement(pkg, named);
    const runs: string[] = [];
    let start = 0;
    while (start < indices.length) {
      let end = start;
      while (end + 1 < indices.length && indices[end + 1] === indices[end]! + 1) end++;
      const first = info.versions[indices[start]!]!;
      const last = info.versions[indices[end]!]!;
      if (end - start >= 2) runs.push(`${first} through ${last}`);
      else for (let i = start; i <= end; i++) runs.push(info.versions[indices[i]!]!);
      start = end + 1;
    }
    return `${pkg} ${listOf(runs, 'or')}`;
  }
}

function dependencyText(dependency: { readonly package: string; readonly constraint: string }): string {
  return formatRequirement(dependency.package, dependency.constraint);
}

function listOf(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Derived directly from two external facts: fits on one line, needs no number (solver.md). */
function isSingleLine(incompat: Incompatibility): boolean {
  if (!isDerived(incompat)) return false;
  return !isDerived(incompat.cause.left) && !isDerived(incompat.cause.right);
}
