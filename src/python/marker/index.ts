import { Scanner } from '../scanner/index.js';
import { evaluateMarker } from './evaluate.js';
import { markerText, parseOr } from './parse.js';
import type { Marker, MarkerNode } from './types.js';

export type {
  Marker,
  MarkerEnvironment,
  MarkerNode,
  MarkerOperator,
  MarkerValue,
  MarkerVariable,
} from './types.js';
export type { MarkerPlatform } from './environment.js';
export { markerEnvironment } from './environment.js';
export { evaluateMarker } from './evaluate.js';

/** Wraps a parsed tree as a `Marker`. */
export function markerFromTree(tree: MarkerNode): Marker {
  return {
    text: markerText(tree),
    tree,
    evaluate: (env) => evaluateMarker(tree, env),
  };
}

/** Parses the marker at the scanner's cursor (used by the requirement parser). */
export function parseMarkerFrom(scanner: Scanner): Marker {
  return markerFromTree(parseOr(scanner));
}

/**
 * Parses a PEP 508 environment marker; throws `InputError` pointing at the offending column.
 *
 * @example parseMarker("python_version >= '3.10' and sys_platform != 'win32'").evaluate(markerEnvironment('3.11'))
 */
export function parseMarker(text: string): Marker {
  const scanner: Scanner = new Scanner(text, 'marker');
  const marker = parseMarkerFrom(scanner);
  scanner.skipSpace();
  if (!scanner.done) scanner.fail("expected 'and', 'or' or the end of the marker");
  return marker;
}
