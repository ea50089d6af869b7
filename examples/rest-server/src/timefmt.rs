//! RFC 3339 timestamps as wuzapi's JSON carries Go `time.Time`: in UTC
//! (`2022-04-20T15:49:08Z`), or, when `TZ` names a time zone (wuzapi's `TZ`, which sets Go's
//! `time.Local`), in that zone's local time with its offset (`2022-04-20T12:49:08-03:00`).
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use tz::TimeZone;

/// The zone of `TZ`, read once; `None`: UTC (unset, empty, or a zone that does not parse,
/// which is logged, as wuzapi falls back to UTC).
fn zone() -> Option<&'static TimeZone> {
    static ZONE: OnceLock<Option<TimeZone>> = OnceLock::new();
    ZONE.get_or_init(|| {
        let name = std::env::var("TZ").ok().filter(|tz| !tz.trim().is_empty())?;
        match TimeZone::from_posix_tz(name.trim()) {
            Ok(zone) => Some(zone),
            Err(e) => {
                tracing::warn!("TZ={name:?}: {e}; times stay in UTC");
                None
            }
        }
    })
    .as_ref()
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// `secs` since the epoch as RFC 3339, in `TZ`'s local time (UTC unless set).
pub fn rfc3339(secs: i64) -> String {
    rfc3339_in(zone(), secs)
}

/// `secs` since the epoch as RFC 3339 in `zone` (UTC when `None`); a zero offset is `Z`, as
/// Go writes it.
pub fn rfc3339_in(zone: Option<&TimeZone>, secs: i64) -> String {
    let offset = zone
        .and_then(|z| z.find_local_time_type(secs).ok())
        .map_or(0, |t| i64::from(t.ut_offset()));
    let local = secs + offset;
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let suffix = if offset == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.abs();
        format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
    };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{suffix}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_650_469_748), "2022-04-20T15:49:08Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn a_zone_writes_local_time_with_its_offset() {
        // POSIX TZ strings need no tz database: "<-03>3" is UTC-3, "<+0530>-5:30" UTC+5:30.
        let minus3 = TimeZone::from_posix_tz("<-03>3").unwrap();
        assert_eq!(rfc3339_in(Some(&minus3), 1_650_469_748), "2022-04-20T12:49:08-03:00");
        let india = TimeZone::from_posix_tz("<+0530>-5:30").unwrap();
        assert_eq!(rfc3339_in(Some(&india), 0), "1970-01-01T05:30:00+05:30");
        let utc = TimeZone::from_posix_tz("UTC0").unwrap();
        assert_eq!(rfc3339_in(Some(&utc), 0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_in(None, 0), "1970-01-01T00:00:00Z");
    }
}
