/** The device's local-first data layer: see README.md in this folder. */
export * from './database';
export * from './replication';
export * from './syncStatus';
export * from './storage';
export * from './prune';
