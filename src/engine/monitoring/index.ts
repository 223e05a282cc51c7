// Early-warning numerics of Norma: Harrison-Stevens trend-break filter (batched and scalar),
// period-end forecast with intervals, and input-output plausibility of unit reports. No I/O.

export { monitorFail, monitorOk } from './result.js';
export { normalCdf, normalQuantile } from './normal-distribution.js';
export { DEFAULT_HS_MODEL, REGIME, REGIME_NAMES, STATUS, STATUS_NAMES, makeHsModel } from './hs-model.js';
export { collapseSeries, createHsBatch, setSeriesScale, stepSeries, updateBatch } from './hs-batch.js';
export { createHsFilter, deserializeHsFilter, loadSeries, readSeries, saveSeries, serializeHsFilter, updateHsFilter } from './hs-filter.js';
export { HS_STATE_BYTES, packHsState, packHsStates, unpackHsState } from './hs-state-codec.js';
export { forecastPeriodEnd, seriesTrend } from './period-end.js';
export { DEFAULT_PLAUSIBILITY, checkReport, createPlausibilityState, learnRatios, learnReport, reportRatios, resetPlausibilityState } from './plausibility.js';

export type { MonitorError, MonitorErrorCode, MonitorResult } from './result.js';
export type { HsModel, HsModelOptions, HsRegime, RegimeName, StatusName } from './hs-model.js';
export type { HsBatch } from './hs-batch.js';
export type { HsFilter, HsFilterState, HsUpdate, RegimeProbabilities } from './hs-filter.js';
export type { DailyNoise, PeriodEndForecast, PeriodEndInput, TrendMoments } from './period-end.js';
export type { InputEvidence, PlausibilityOptions, PlausibilityState, PlausibilityVerdict, Technology, UnitDayReport } from './plausibility.js';
