/** Operations records that are not about a request (outages, calls, line downtime, households). See record.ts. */
export * from './record';
