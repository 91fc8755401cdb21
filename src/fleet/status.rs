//! `kiosk fleet status` as text: one line per kiosk and its flags (silent, stale data, printer,
//! refused requests, requests not yet at the centre). Pure: the rows come from [`super::Central`].

use super::central::KioskStatus;
use chrono::NaiveDate;
use std::time::Duration;

/// Something staff should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    NeverReported,
    Silent {
        minutes: i64,
    },
    /// Its index is older than the newest in the district.
    Stale {
        data_date: Option<NaiveDate>,
        newest: NaiveDate,
    },
    Printer(String),
    Refused(i64),
    /// Requests the kiosk holds that have not reached the centre yet.
    NotDelivered(i64),
}

impl Flag {
    pub fn chinese(&self) -> String {
        match self {
            Flag::NeverReported => "失联：从未报告".into(),
            Flag::Silent { minutes } => format!("失联：{minutes}分钟未报告"),
            Flag::Stale { data_date, newest } => format!(
                "数据过旧：数据日期{}，全区最新{newest}",
                data_date.map_or("未知".into(), |d| d.to_string())
            ),
            Flag::Printer(state) => format!("打印机异常：{state}"),
            Flag::Refused(n) => format!("中心拒收{n}件（同一受理编号内容不同），请核对"),
            Flag::NotDelivered(n) => format!("尚有{n}件未送达中心"),
        }
    }
}

/// The flags of one kiosk, given the district's newest data date.
pub fn flags(k: &KioskStatus, silent_after: Duration, newest: Option<NaiveDate>) -> Vec<Flag> {
    let mut flags = Vec::new();
    match k.silent_for {
        None => flags.push(Flag::NeverReported),
        Some(s) if s > silent_after.as_secs() as i64 => {
            flags.push(Flag::Silent { minutes: s / 60 })
        }
        Some(_) => {}
    }
    if let Some(newest) = newest {
        if k.silent_for.is_some() && k.data_date.is_none_or(|d| d < newest) {
            flags.push(Flag::Stale {
                data_date: k.data_date,
                newest,
            });
        }
    }
    if let Some(p) = k.printer.as_deref().filter(|p| !p.starts_with("ready")) {
        flags.push(Flag::Printer(p.to_string()));
    }
    let refused = k.refusals.max(i64::from(k.outbox_refused.unwrap_or(0)));
    if refused > 0 {
        flags.push(Flag::Refused(refused));
    }
    if let Some(w) = k.outbox_waiting.filter(|w| *w > 0) {
        flags.push(Flag::NotDelivered(i64::from(w)));
    }
    flags
}

/// The whole listing, one kiosk a line, then a count of kiosks needing attention.
pub fn render(kiosks: &[KioskStatus], silent_after: Duration) -> String {
    let newest = kiosks.iter().filter_map(|k| k.data_date).max();
    let mut out = String::new();
    let mut attention = 0;
    for k in kiosks {
        let f = flags(k, silent_after, newest);
        if !f.is_empty() {
            attention += 1;
        }
        let dash = || "-".to_string();
        out.push_str(&format!(
            "{:<8} 上次报告 {:<10} 索引 {:<24} 数据日期 {:<10} 待打印 {:<3} 待送 {:<4} 中心 {} 件（最大序号 {}）{}\n",
            k.kiosk_id,
            k.silent_for.map_or("从未".into(), |s| format!("{s}秒前")),
            k.generation.clone().unwrap_or_else(dash),
            k.data_date.map_or_else(dash, |d| d.to_string()),
            k.queued_receipts.map_or_else(dash, |n| n.to_string()),
            k.outbox_waiting.map_or_else(dash, |n| n.to_string()),
            k.requests,
            k.max_seq.map_or_else(dash, |n| n.to_string()),
            if f.is_empty() {
                String::new()
            } else {
                format!("  ⚠ {}", f.iter().map(Flag::chinese).collect::<Vec<_>>().join("；"))
            }
        ));
    }
    out.push_str(&format!(
        "共 {} 台终端，{attention} 台需要处理\n",
        kiosks.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kiosk(id: &str, silent_for: Option<i64>, data: Option<&str>) -> KioskStatus {
        KioskStatus {
            kiosk_id: id.into(),
            silent_for,
            generation: data.map(|d| format!("gen-{d}")),
            data_date: data.map(|d| d.parse().unwrap()),
            printer: Some("ready".into()),
            queued_receipts: Some(0),
            outbox_waiting: Some(0),
            outbox_refused: Some(0),
            requests: 3,
            max_seq: Some(3),
            refusals: 0,
        }
    }

    #[test]
    fn silent_stale_and_troubled_kiosks_are_flagged_and_a_healthy_one_is_not() {
        let ten_min = Duration::from_secs(600);
        let newest = Some("2026-12-02".parse().unwrap());
        let mut printer = kiosk("QH04", Some(5), Some("2026-12-02"));
        printer.printer = Some("CUPS queue kiosk is disabled".into());
        let mut refused = kiosk("QH05", Some(5), Some("2026-12-02"));
        refused.refusals = 1;
        refused.outbox_waiting = Some(7);
        let cases = [
            (kiosk("QH01", Some(30), Some("2026-12-02")), vec![]),
            (kiosk("QH02", None, None), vec![Flag::NeverReported]),
            (
                kiosk("QH03", Some(3600), Some("2026-11-30")),
                vec![
                    Flag::Silent { minutes: 60 },
                    Flag::Stale {
                        data_date: Some("2026-11-30".parse().unwrap()),
                        newest: "2026-12-02".parse().unwrap(),
                    },
                ],
            ),
            (
                printer,
                vec![Flag::Printer("CUPS queue kiosk is disabled".into())],
            ),
            (refused, vec![Flag::Refused(1), Flag::NotDelivered(7)]),
        ];
        for (k, expected) in cases {
            assert_eq!(flags(&k, ten_min, newest), expected, "{}", k.kiosk_id);
        }
    }

    #[test]
    fn the_listing_names_every_kiosk_and_counts_those_needing_attention() {
        let text = render(
            &[
                kiosk("QH01", Some(30), Some("2026-12-02")),
                kiosk("QH02", None, None),
            ],
            Duration::from_secs(600),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("QH01") && !lines[0].contains('⚠'),
            "{text}"
        );
        assert!(
            lines[1].starts_with("QH02") && lines[1].contains("失联：从未报告"),
            "{text}"
        );
        assert_eq!(lines[2], "共 2 台终端，1 台需要处理");
    }
}
