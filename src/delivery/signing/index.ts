export { signWebhookBody, verifyWebhookSignature, SIGNATURE_HEADER } from './signature.js';
export type { VerifyOptions } from './signature.js';
