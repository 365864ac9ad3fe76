export { Activity } from './activity';
