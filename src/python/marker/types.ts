/** PEP 508 "Environment Markers" variables for one target interpreter and platform. */
export interface MarkerEnvironment {
  python_version: string;
  python_full_version: string;
  sys_platform: string;
  platform_system: string;
  platform_machine: string;
  os_name: string;
  implementation_name: string;
  platform_python_implementation: string;
  platform_release: string;
  platform_version: string;
  implementation_version: string;
  /** The extra being evaluated (requires_dist lines of an extra); '' when none. */
  extra?: string;
  /** PEP 751: the extras requested for a lock entry (`'x' in extras`). */
  extras?: readonly string[];
  /** PEP 751: the dependency groups requested (`'dev' in dependency_groups`). */
  dependency_groups?: readonly string[];
}

export type MarkerVariable = keyof MarkerEnvironment;

export type MarkerOperator = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';

export type MarkerValue =
  | { readonly kind: 'variable'; readonly name: MarkerVariable }
  | { readonly kind: 'string'; readonly value: string };

export type MarkerNode =
  | {
      readonly kind: 'compare';
      readonly left: MarkerValue;
      readonly op: MarkerOperator;
      readonly right: MarkerValue;
    }
  | { readonly kind: 'and' | 'or'; readonly items: readonly MarkerNode[] }
  | { readonly kind: 'group'; readonly inner: MarkerNode };

export interface Marker {
  /** Canonical text: double-quoted strings, single spaces, PEP 345 names replaced by PEP 508 ones. */
  readonly text: string;
  readonly tree: MarkerNode;
  evaluate(env: MarkerEnvironment): boolean;
}
