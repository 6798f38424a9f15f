/** Hearthline's domain rules: pure functions over data, no I/O, the clock always passed in. */
export * from './chinaTime';
export * from './rounding';
export * from './calendar/index';
export * from './workingDays';
export * from './deadlines';
export * from './escalation';
export * from './callbackHours';
export * from './heatingSeason';
export * from './targets';
export * from './measurementMethod';
export * from './temperatureTest';
export * from './permissions';
export * from './requestState';
export * from './residentActions';
export * from './updates';
