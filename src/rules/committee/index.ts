/** The committee's rules: approvability, the fold of a year's records, "start from", last measured values. */
export * from './approvable';
export * from './draftState';
export * from './startFrom';
export * from './lastMeasured';
export * from './publication';
export * from './compose';
export * from './promise';
export * from './promiseSentence';
export * from './changes';
export * from './failure';
