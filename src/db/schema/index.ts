/** The valibot schemas of Hearthline's documents: one source of truth per document type. */
export * from './common';
export * from './requestKind';
export * from './milestone';
export * from './commitments';
export * from './results';
export * from './siteContent';
export * from './roles';
export * from './events/index';
