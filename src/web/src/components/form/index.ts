export { InstanceSelect } from './instance-select';
export { TextAreaField } from './text-area-field';
