import { z } from 'zod';

/**
 * Compile-time proof that a response schema and the type its workflow returns are one shape: a field
 * added, dropped or retyped on either side fails `tsc`. Readonly modifiers are ignored (the workflows
 * return readonly data; JSON has no such notion). Without it the serializer, which strips keys the
 * schema does not name, would silently drop a new workflow field from the answer.
 */
type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** `true` when `Schema` (a `z.infer`) and `Returned` (the workflow's type) have the same fields and types. */
export type SameShape<Schema, Returned> = Equals<DeepMutable<Schema>, DeepMutable<Returned>>;

/** Fails to compile unless its argument is `true`: `type _ = Agrees<SameShape<A, B>>`. */
export type Agrees<T extends true> = T;

/**
 * An array in a response: readonly, so a workflow's `readonly T[]` is accepted without a cast
 * (a mutable array is accepted too). JSON Schema marks it `readOnly`, which a response is.
 */
export function listOf<T extends z.ZodType>(item: T): z.ZodReadonly<z.ZodArray<T>> {
  return z.array(item).readonly();
}
