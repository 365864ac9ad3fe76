import type { Universe } from '../../index/wheel-builder/index.js';

/**
 * The demo's package universe, written as stub wheels into a find-links folder so the demo works
 * offline. Modelled on the real dbt stack: dbt-snowflake 1.11 requires dbt-core>=1.11 and the 4.x
 * Snowflake connector, so dbt-core and dbt-snowflake move together (the policy's "upgraded together
 * because they share a common dependency"). snowflake-connector-python 3.18.0 needs Python 3.13,
 * so it is unusable on the demo's Python 3.12 image (the availability check shows why).
 */
export const DEMO_UNIVERSE: Universe = {
  'dbt-core': {
    '1.10.15': {
      requires_dist: ['dbt-adapters>=1.15.2,<2.0', 'dbt-common>=1.27.0,<2.0'],
      requires_python: '>=3.9',
    },
    '1.11.0': {
      requires_dist: ['dbt-adapters>=1.22.0,<2.0', 'dbt-common>=1.37.0,<2.0'],
      requires_python: '>=3.10',
    },
    '1.11.1': {
      requires_dist: ['dbt-adapters>=1.22.0,<2.0', 'dbt-common>=1.37.0,<2.0'],
      requires_python: '>=3.10',
    },
  },
  'dbt-snowflake': {
    '1.10.3': {
      requires_dist: [
        'dbt-core>=1.10.0,<1.11',
        'dbt-adapters>=1.16,<2.0',
        'dbt-common>=1.10,<2.0',
        'snowflake-connector-python>=3.0,<4.0',
      ],
      requires_python: '>=3.9',
    },
    '1.11.0': {
      requires_dist: [
        'dbt-core>=1.11',
        'dbt-adapters>=1.22.2,<2.0',
        'dbt-common>=1.37,<2.0',
        'snowflake-connector-python>=4.0,<5.0',
      ],
      requires_python: '>=3.10',
    },
  },
  'dbt-adapters': {
    '1.17.3': { requires_dist: ['dbt-common>=1.13,<2.0'] },
    '1.22.2': { requires_dist: ['dbt-common>=1.36,<2.0'] },
  },
  'dbt-common': {
    '1.33.0': {},
    '1.37.2': {},
  },
  'snowflake-connector-python': {
    '3.17.2': { requires_python: '>=3.9' },
    '3.18.0': { requires_python: '>=3.13' },
    '4.0.0': { requires_python: '>=3.9' },
  },
};
