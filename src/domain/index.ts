// Norma's domain layer: the words of DOMAIN.md as pure, frozen values and checks. No I/O.
// Error convention (errors.ts): checks of outside input return a Result; a broken precondition
// on an already-checked value throws. Both carry a DomainError with a stable code.

export { DOMAIN_ERROR_CODES, DomainError, describeInput, isDomainError } from './errors.js';
export { err, ok, unwrap } from './result.js';
export { CODE_PATTERN, isValidCode } from './code.js';
export {
  addDays,
  civilToDayNumber,
  dayNumberToCivil,
  daysBetween,
  daysInMonth,
  formatIsoDate,
  fromDayNumber,
  isIsoDate,
  isLeapYear,
  isoDateRange,
  isoWeekOf,
  isoWeekOfDayNumber,
  isoWeekStartDayNumber,
  isoWeekday,
  isoWeeksInYear,
  parseIsoDate,
  toDayNumber,
  weekdayOfDayNumber,
} from './iso-date.js';
export {
  PERIOD_KINDS,
  PERIOD_YEAR_MAX,
  PERIOD_YEAR_MIN,
  ancestorsOf,
  childPeriods,
  comparePeriods,
  formatPeriod,
  isPeriod,
  parentPeriod,
  parsePeriod,
  periodContains,
  periodDayCount,
  periodDays,
  periodOfKindContaining,
  periodsContaining,
  shiftPeriod,
} from './period.js';
export { countWorkingDays, defaultCalendar, holidayName, isWorkingDay, makeCalendar, workingDays } from './calendar.js';
export { TREE_KINDS, buildTree, checkUnitsInBothTrees } from './tree.js';
export { MEASURE_UNITS, aggregate, validateProduct } from './product.js';
export {
  QUANTITY_MAX_DECIMALS,
  QUANTITY_MAX_INTEGER_DIGITS,
  QuantityError,
  addQuantities,
  compareQuantities,
  fulfilment,
  isFulfilled,
  isQuantity,
  parseQuantity,
  quantityToNumber,
  sumQuantities,
} from './quantity.js';
export { UNIT_KINDS, unitTreeNode, validateUnit } from './unit.js';

export type { DomainErrorCode, DomainErrorDetails } from './errors.js';
export type { Err, Ok, Result } from './result.js';
export type { IsoDate, IsoWeek, IsoWeekday } from './iso-date.js';
export type { Period, PeriodKind } from './period.js';
export type { Calendar, CalendarInput, Holiday, RegionalCalendar } from './calendar.js';
export type { SubtreeNode, Tree, TreeName, TreeNode, TreeNodeKind, UnitPlacementIssue } from './tree.js';
export type { Aggregation, MeasureUnit, Product, WeightedValue } from './product.js';
export type { Quantity, QuantityFailureReason, QuantityResult } from './quantity.js';
export type { Unit, UnitContext, UnitKind } from './unit.js';
export { NEEDS, ROLES, canGrant, isRole, reaches, roleHas, scopeKind, selectionInScope } from './access.js';
export type { Covers, Need, Principal, Role, ScopeKind } from './access.js';
