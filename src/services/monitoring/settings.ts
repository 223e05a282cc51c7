// Tunable rules of monitoring, per organisation, kept in meta under the key 'monitoring'.
import type { Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';

/** The rules of records, standards, alerts and forecasts. */
export interface MonitoringSettings {
  /** Consecutive months the monthly record must hold before a standard is proposed for raising. */
  readonly standardMonths: number;
  /** A month "holds the record" when its total is at least (1 - this) of the record as of that month. */
  readonly standardTolerance: number;
  /** Days an alert may stay unacknowledged at one tree level before it moves up. */
  readonly escalationDays: number;
  /** Consecutive normal reports after which an alert closes. */
  readonly closeAfterDays: number;
  /** Central probability of the period-end forecast interval (0.8: the 10 % and 90 % quantiles). */
  readonly forecastCoverage: number;
}

/**
 * Defaults: 3 months within 2 % of the record, escalation after 2 days, close after 3 normal
 * reports, 80 % forecast intervals.
 * @example DEFAULT_MONITORING_SETTINGS.escalationDays // 2
 */
export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = Object.freeze({
  standardMonths: 3,
  standardTolerance: 0.02,
  escalationDays: 2,
  closeAfterDays: 3,
  forecastCoverage: 0.8,
});

const KEY = 'monitoring';

function check(s: MonitoringSettings): MonitoringSettings {
  const bad = (field: string, reason: string) => {
    throw new NormaError('NORMA_ERR_VALIDATION', `monitoring setting ${field}: ${reason}`, [{ field, reason }]);
  };
  const int = (field: keyof MonitoringSettings, min: number, max: number) => {
    const v = s[field];
    if (!Number.isInteger(v) || v < min || v > max) bad(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  };
  int('standardMonths', 1, 24);
  int('escalationDays', 1, 365);
  int('closeAfterDays', 1, 365);
  if (!(s.standardTolerance >= 0 && s.standardTolerance < 1)) bad('standardTolerance', 'must be in [0, 1)');
  if (!(s.forecastCoverage > 0 && s.forecastCoverage < 1)) bad('forecastCoverage', 'must be in (0, 1)');
  return Object.freeze(s);
}

/**
 * The organisation's monitoring settings: meta 'monitoring' over the defaults.
 * @example (await monitoringSettings(ctx)).standardMonths // 3
 */
export async function monitoringSettings(ctx: ServiceContext, q: Queryable = ctx.store): Promise<MonitoringSettings> {
  const [row] = await q.query<{ value: Partial<MonitoringSettings> }>('select value from meta where org = $1 and key = $2', [ctx.org, KEY]);
  return check({ ...DEFAULT_MONITORING_SETTINGS, ...(row?.value ?? {}) });
}

/**
 * Changes some settings (checked) and returns them all.
 * @example await setMonitoringSettings(ctx, { escalationDays: 3 })
 */
export async function setMonitoringSettings(ctx: ServiceContext, patch: Partial<MonitoringSettings>): Promise<MonitoringSettings> {
  const next = check({ ...(await monitoringSettings(ctx)), ...patch });
  await ctx.store.query(
    `insert into meta (org, key, value) values ($1, $2, $3) on conflict (org, key) do update set value = excluded.value`,
    [ctx.org, KEY, JSON.stringify(next)],
  );
  return next;
}
