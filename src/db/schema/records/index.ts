/** Operations records that are not about a request (outages, calls, line downtime, households). See record.ts. */
export * from './record';
/** The committee's drafts, comments, approvals and publications of the commitments. See commitmentsRecords.ts. */
export * from './commitmentsRecords';
