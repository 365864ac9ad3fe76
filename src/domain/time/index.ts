export { readableTime } from './readable.js';
