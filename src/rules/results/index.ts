/** The results engine: the published figures computed from the records (see engine.ts). */
export * from './engine';
export * from './period';
export * from './file';
export * from './elapsed';
