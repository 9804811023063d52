/** Time unit words of EXTRACT(unit FROM t), FLOOR/CEIL(t TO unit) and TIMESTAMPADD/TIMESTAMPDIFF(unit, ...), as Flink accepts them. */

export const EXTRACT_UNITS: readonly string[] = [
  'MILLENNIUM', 'CENTURY', 'DECADE', 'YEAR', 'ISOYEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DOW', 'ISODOW', 'DOY',
  'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH',
];

export const FLOOR_UNITS: readonly string[] = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND'];

export const TIMESTAMPADD_UNITS: readonly string[] = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** Functions whose first argument is a bare unit word: TIMESTAMPADD(DAY, 1, ts). */
export const UNIT_FIRST_FUNCTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['TIMESTAMPADD', TIMESTAMPADD_UNITS],
  ['TIMESTAMPDIFF', TIMESTAMPADD_UNITS],
]);
