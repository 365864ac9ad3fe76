export { ShipHotfix } from './hotfix';
