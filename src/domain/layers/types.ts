/**
 * The three layers of change the rollback policy distinguishes (rollback-strategy.txt, first table):
 * infrastructure (cloud, Kubernetes), platform services (Airflow, Python...), customer image (packages).
 */
export type Layer = 'infrastructure' | 'platform' | 'image';
