//! What the application form and the receipt say: a stored request in, a list of text blocks
//! out. Shared by the PDF and ESC/POS renderers, so both print the same words.
//!
//! The applicant's copy shows the ID number masked; only the staff copy shows it in full.

use crate::requests::{Request, Stored};
use chrono::NaiveDate;

/// Whose copy is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    /// 申请人留存联: ID masked.
    Applicant,
    /// 机关留存联: full ID number.
    Staff,
}

impl CopyKind {
    fn label(self) -> &'static str {
        match self {
            CopyKind::Applicant => "申请人留存联",
            CopyKind::Staff => "受理机关留存联",
        }
    }
}

/// The agency details printed on every page.
#[derive(Debug, Clone)]
pub struct Letterhead {
    pub agency: String,
    pub hall: String,
    pub phone: Option<String>,
}

/// One block of printed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Subtitle(String),
    /// A labelled value: `label：value`.
    Field(String, String),
    /// A heading inside the page.
    Section(String),
    /// Running text, wrapped by the renderer.
    Paragraph(String),
    /// A horizontal rule.
    Rule,
    /// Vertical space.
    Gap,
    /// Start a new page (PDF) or cut (ESC/POS).
    PageBreak,
}

/// The text of Art. 51 on remedies, printed on every receipt.
pub const REMEDIES: &str = "申请人认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼（《中华人民共和国政府信息公开条例》第五十一条）。";

fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

fn identity(req: &Request, copy: CopyKind) -> String {
    match copy {
        CopyKind::Applicant => req.applicant.identity_masked(),
        CopyKind::Staff => req.applicant.identity_full().to_string(),
    }
}

/// The receipt (受理回执). `None` when the request's personal data was purged.
pub fn receipt(s: &Stored, head: &Letterhead, copy: CopyKind) -> Option<Vec<Block>> {
    let req = s.request.as_ref()?;
    let query_code = s.query_code.as_ref()?;
    let mut b = vec![
        Block::Title("政府信息公开申请受理回执".into()),
        Block::Subtitle(format!("（{}）", copy.label())),
        Block::Rule,
        Block::Field("受理编号".into(), s.receipt_no.clone()),
        Block::Field("查询码".into(), query_code.clone()),
        Block::Field("申请人".into(), req.applicant.name().to_string()),
        Block::Field(req.applicant.identity_label().into(), identity(req, copy)),
        Block::Field("所需信息".into(), req.info.description.clone()),
        Block::Field("受理机关".into(), head.agency.clone()),
        Block::Field("受理日期".into(), chinese_date(s.received_on)),
    ];
    match &s.due {
        Some(due) => b.push(Block::Field(
            "答复期限".into(),
            format!("{}前", chinese_date(due.date)),
        )),
        None => b.push(Block::Field("答复期限".into(), "另行告知".into())),
    }
    b.extend([
        Block::Rule,
        Block::Paragraph(
            "本机关已收到您的政府信息公开申请。能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过20个工作日。申请内容需要补正的，答复期限自收到补正的申请之日起计算；征求第三方或者其他机关意见所需时间不计算在答复期限内（《中华人民共和国政府信息公开条例》第三十条、第三十二条、第三十三条）。".into(),
        ),
        Block::Section("办理进度查询".into()),
        Block::Paragraph(
            "请妥善保管本回执。在本自助终端首页点击“政府信息公开申请 · 查询办理进度”，输入受理编号和查询码，即可查看办理进度。查询码请勿告知他人。".into(),
        ),
        Block::Section("权利救济".into()),
        Block::Paragraph(REMEDIES.into()),
        Block::Rule,
        Block::Field("受理地点".into(), head.hall.clone()),
    ]);
    if let Some(phone) = &head.phone {
        b.push(Block::Field("咨询电话".into(), phone.clone()));
    }
    Some(b)
}

fn check(selected: bool, label: &str) -> String {
    format!("{}{label}", if selected { "■" } else { "□" })
}

/// The application form (政府信息公开申请表), filled in. `None` when purged.
pub fn application_form(s: &Stored, head: &Letterhead, copy: CopyKind) -> Option<Vec<Block>> {
    use crate::requests::{Applicant, ObtainBy, ProvideAs};
    let req = s.request.as_ref()?;
    let mut b = vec![
        Block::Title("政府信息公开申请表".into()),
        Block::Subtitle(format!("{}（{}）", head.agency, copy.label())),
        Block::Field("受理编号".into(), s.receipt_no.clone()),
        Block::Field("受理日期".into(), chinese_date(s.received_on)),
        Block::Section(format!(
            "一、申请人信息（{}）",
            req.applicant.kind().label()
        )),
    ];
    let opt = |o: Option<&str>| o.unwrap_or("").to_string();
    match &req.applicant {
        Applicant::Citizen(c) => b.extend([
            Block::Field("姓名".into(), c.name.clone()),
            Block::Field("证件类型".into(), c.id.kind().label().into()),
            Block::Field("证件号码".into(), identity(req, copy)),
            Block::Field("联系电话".into(), c.phone.to_string()),
            Block::Field("联系地址".into(), opt(c.address.as_deref())),
            Block::Field(
                "邮政编码".into(),
                opt(c.postcode.as_ref().map(|p| p.as_str())),
            ),
            Block::Field("电子邮箱".into(), opt(c.email.as_ref().map(|e| e.as_str()))),
        ]),
        Applicant::Organization(o) => b.extend([
            Block::Field("名称".into(), o.name.clone()),
            Block::Field("统一社会信用代码".into(), o.credit_code.as_str().into()),
            Block::Field("法定代表人".into(), o.legal_representative.clone()),
            Block::Field("联系人".into(), o.contact_person.clone()),
            Block::Field("联系电话".into(), o.phone.to_string()),
            Block::Field("联系地址".into(), opt(o.address.as_deref())),
            Block::Field(
                "邮政编码".into(),
                opt(o.postcode.as_ref().map(|p| p.as_str())),
            ),
            Block::Field("电子邮箱".into(), opt(o.email.as_ref().map(|e| e.as_str()))),
        ]),
    }
    b.extend([
        Block::Section("二、所需政府信息".into()),
        Block::Field("内容描述".into(), req.info.description.clone()),
        Block::Field("名称".into(), opt(req.info.title.as_deref())),
        Block::Field("文号".into(), opt(req.info.doc_number.as_deref())),
        Block::Field("索引号".into(), opt(req.info.index_number.as_deref())),
        Block::Section("三、所需信息的提供方式和获取方式".into()),
        Block::Field(
            "提供方式".into(),
            ProvideAs::ALL
                .map(|p| check(p == req.provide_as, p.label()))
                .join("  "),
        ),
        Block::Field(
            "获取方式".into(),
            ObtainBy::ALL
                .map(|o| check(o == req.obtain_by, o.label()))
                .join("  "),
        ),
        Block::Gap,
        Block::Paragraph(if req.staff_assisted {
            "本表由工作人员根据申请人口头申请代为填写，经申请人确认无误。".into()
        } else {
            "本表由申请人在自助终端填写。".into()
        }),
        Block::Gap,
        Block::Field("申请人签名（盖章）".into(), String::new()),
        Block::Field("日期".into(), "    年    月    日".into()),
        Block::Gap,
        Block::Paragraph("说明：一份申请表只填写一项政府信息公开申请。本表所填个人信息仅用于办理本申请，办结后按规定期限删除。".into()),
    ]);
    Some(b)
}

/// All text of a block list, one block per line (for tests and plain-text previews).
pub fn plain_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| match b {
            Block::Title(t) | Block::Subtitle(t) | Block::Section(t) | Block::Paragraph(t) => {
                t.clone()
            }
            Block::Field(l, v) => format!("{l}：{v}"),
            Block::Rule => "-".repeat(16),
            Block::Gap | Block::PageBreak => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
