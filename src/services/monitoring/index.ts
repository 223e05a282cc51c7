// Monitoring of plan fulfilment: records and standards, Beer's indices, early warnings (trend
// breaks and implausible reports) with escalation, and period-end forecasts.

export { acknowledgeAlert, alertUnit, applySignals, escalateAlerts, escalationChain, getAlert, listAlerts, IMPLAUSIBLE_CRISIS_DAYS } from './alerts.js';
export { forecastPeriodEnd } from './forecast.js';
export { monitoringHook, rebuildMonitoring, registerMonitoring, runMonitoring } from './hook.js';
export { drainMonitorQueue, enqueueHook, startMonitoringWorker, vacuumMonitorQueue, VACUUM_EVERY } from './queue.js';
export { beerIndices } from './indices.js';
export { checkPlausibility, judgeDay, unitTechnologies } from './plausibility.js';
export { bestOf, bestsOfFigures, updateRecords } from './records.js';
export { DEFAULT_MONITORING_SETTINGS, monitoringSettings, setMonitoringSettings } from './settings.js';
export { decimal, holdsRecord, proposeStandards } from './standards.js';
export { currentFilter, runFilter, updateTrends } from './trend.js';
export { getRecords, getStandards } from './views.js';
export { calendarFrom, unitWorkingDays, worksRestDays } from './workdays.js';

export type { AlertLevel, AlertQuery, AlertSignal, AlertStatus, AlertType, AlertView, AlertWithHistory, EscalationStep, SeriesSignals, SeriesStatus } from './alerts.js';
export type { PeriodEndView } from './forecast.js';
export type { MonitoringOptions, RebuildSummary } from './hook.js';
export type { BeerIndices } from './indices.js';
export type { UnitTechnology } from './plausibility.js';
export type { Best, OutputChange, RecordEventView, RecordView, SeriesRecords } from './records.js';
export type { MonitoringSettings } from './settings.js';
export type { StandardMonth, StandardProposalView } from './standards.js';
export type { UnitRecordsView, UnitStandardsView } from './views.js';
