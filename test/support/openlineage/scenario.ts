// The policy's scenario lives with the product (the demo seeds it); tests import it from here.
export * from '../../../src/workflows/evidence/scenario.js';
