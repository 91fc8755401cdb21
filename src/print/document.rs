//! What a citizen prints at the kiosk: a published document (metadata and full text), or the
//! materials checklist of a service item (「打印材料清单」). Pure: record in, blocks out; the
//! same [`Block`]s as the request receipts, so the PDF renderer is shared.

use super::layout::Block;
use crate::catalog::Record;

/// The metadata rows shown on screen and printed, in the order of a 信息公开 detail page.
pub fn metadata_rows(r: &Record) -> Vec<(&'static str, String)> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y年%m月%d日").to_string());
    let validity = match &r.validity_note {
        Some(note) => format!("{}（{note}）", r.validity.label()),
        None => r.validity.label().to_string(),
    };
    [
        ("索引号", r.index_number.clone()),
        ("发文字号", r.doc_number.clone()),
        ("发布机关", r.issuer.clone()),
        ("主题分类", r.category.clone()),
        ("文种", r.doc_type.clone()),
        ("成文日期", date(r.written_date)),
        ("发布日期", date(r.published_date)),
        ("效力", Some(validity)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
    .collect()
}

/// A published document, as printed on A4.
pub fn document(r: &Record, body: &str, hall: &str) -> Vec<Block> {
    let mut out = vec![Block::Title(r.title.clone())];
    for (k, v) in metadata_rows(r) {
        out.push(Block::Field(k.to_string(), v));
    }
    if let Some(url) = &r.url {
        out.push(Block::Field("网址".into(), url.clone()));
    }
    out.push(Block::Rule);
    out.extend(body_blocks(body));
    out.push(Block::Rule);
    out.push(Block::Paragraph(format!(
        "本件由{hall}自助终端打印，内容以发布机关正式公开的文本为准。"
    )));
    out
}

/// The body on paper: headings as sections, a table row by row (cells between 「｜」, the
/// `|---|` line left out), an image by its mark (paper shows where it stands, not the picture).
fn body_blocks(body: &str) -> Vec<Block> {
    use crate::catalog::body::{blocks, image_mark, Block as Part};
    let mut out = Vec::new();
    for part in blocks(body) {
        match part {
            Part::Heading { text, .. } => out.push(Block::Section(text.to_string())),
            Part::Paragraph { text, .. } => out.push(Block::Paragraph(text.to_string())),
            Part::Table(t) => out.extend(
                t.rows
                    .iter()
                    .map(|row| Block::Paragraph(row.join(" ｜ ").trim().to_string())),
            ),
            Part::Image { caption, .. } => out.push(Block::Paragraph(image_mark(caption))),
        }
    }
    out
}

/// The materials checklist of a service item, with where and when to go.
pub fn service_checklist(r: &Record, hall: &str) -> Option<Vec<Block>> {
    let s = r.service.as_ref()?;
    let mut out = vec![
        Block::Title(r.title.clone()),
        Block::Subtitle("申请材料清单".into()),
    ];
    if let Some(code) = &s.item_code {
        out.push(Block::Field("事项编码".into(), code.clone()));
    }
    out.push(Block::Section("需提交的材料".into()));
    if s.materials.is_empty() {
        out.push(Block::Paragraph(
            "本事项未列明申请材料，请咨询办理窗口。".into(),
        ));
    }
    for (i, m) in s.materials.iter().enumerate() {
        let line = format!("□ {}. {}", i + 1, m.line());
        out.push(Block::Paragraph(line));
    }
    out.push(Block::Gap);
    for (k, v) in [
        ("办理地点", &s.location),
        ("办理时间", &s.hours),
        ("法定办结时限", &s.legal_time_limit),
        ("承诺办结时限", &s.promised_time_limit),
        ("收费标准", &s.fees),
        ("咨询电话", &s.consult_phone),
        ("监督投诉电话", &s.complaint_phone),
        ("网上办理", &s.online_url),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.trim().is_empty()) {
            out.push(Block::Field(k.into(), v.clone()));
        }
    }
    out.push(Block::Rule);
    out.push(Block::Paragraph(format!(
        "本清单由{hall}自助终端打印，请以办理窗口的最新要求为准。"
    )));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Kind, Material, ServiceInfo, Validity};

    #[test]
    fn a_document_prints_its_metadata_and_every_paragraph() {
        let mut r = Record::new(
            "demo",
            "x1".into(),
            Kind::GovernmentInfo,
            "关于调整基础养老金标准的通知".into(),
            String::new(),
        );
        r.doc_number = Some("青人社发〔2021〕14号".into());
        r.validity = Validity::Expired;
        r.validity_note = Some("已被新文件替代".into());
        let blocks = document(&r, "第一段。\n\n  第二段。\n", "青禾县政务服务中心");
        assert_eq!(blocks[0], Block::Title(r.title.clone()));
        assert!(blocks.contains(&Block::Field(
            "发文字号".into(),
            "青人社发〔2021〕14号".into()
        )));
        assert!(blocks.contains(&Block::Field(
            "效力".into(),
            "失效（已被新文件替代）".into()
        )));
        let paragraphs: Vec<_> = blocks
            .iter()
            .filter(|b| matches!(b, Block::Paragraph(_)))
            .collect();
        assert_eq!(paragraphs.len(), 3, "two body paragraphs and the footer");
    }

    #[test]
    fn a_printed_body_sets_headings_apart_and_prints_a_table_row_by_row() {
        let r = Record::new(
            "demo",
            "d2".into(),
            Kind::GovernmentInfo,
            "办法".into(),
            String::new(),
        );
        let body = "第一章 总则\n第一条 为了……\n| 对象 | 标准 |\n|---|---|\n| 一级 | 1200元 |\n［图片：流程图］";
        let blocks = document(&r, body, "大厅");
        for want in [
            Block::Section("第一章 总则".into()),
            Block::Paragraph("第一条 为了……".into()),
            Block::Paragraph("对象 ｜ 标准".into()),
            Block::Paragraph("一级 ｜ 1200元".into()),
            Block::Paragraph("［图片：流程图］".into()),
        ] {
            assert!(blocks.contains(&want), "{want:?} in {blocks:?}");
        }
        assert!(!blocks
            .iter()
            .any(|b| matches!(b, Block::Paragraph(p) if p.contains("---"))));
    }

    #[test]
    fn a_checklist_numbers_the_materials_with_copies_and_notes() {
        let mut r = Record::new(
            "demo",
            "s1".into(),
            Kind::ServiceGuide,
            "最低生活保障申请".into(),
            String::new(),
        );
        assert!(service_checklist(&r, "大厅").is_none());
        r.service = Some(ServiceInfo {
            materials: vec![
                Material {
                    name: "居民身份证".into(),
                    form: Some("原件".into()),
                    copies: Some(1),
                    note: None,
                },
                Material {
                    name: "户口簿".into(),
                    form: None,
                    copies: None,
                    note: None,
                },
            ],
            location: Some("县政务服务中心一楼".into()),
            ..ServiceInfo::default()
        });
        let blocks = service_checklist(&r, "大厅").unwrap();
        assert!(blocks.contains(&Block::Paragraph("□ 1. 居民身份证（原件，1份）".into())));
        assert!(blocks.contains(&Block::Paragraph("□ 2. 户口簿".into())));
        assert!(blocks.contains(&Block::Field(
            "办理地点".into(),
            "县政务服务中心一楼".into()
        )));
    }
}
