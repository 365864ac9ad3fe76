export { Empty, ErrorBox, Loading, NotAvailable } from './feedback';
export { IfOffered } from './if-offered';
export { OwnedBy } from './owned-by';
export { Section } from './section';
export { StatusBadge } from './status-badge';
export { Table } from './table';
export { When } from './when';
