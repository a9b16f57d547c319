//! Markdown rendering of an export's blocks (CommonMark; user text is escaped so a transcript
//! line starting with `#` or containing `*` stays plain text).

use super::document::Block;

/// Escapes the characters that would start Markdown syntax.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if !out.is_empty() {
            // A hard line break keeps multi-line turns and rationales as written.
            out.push_str("  \n");
        }
        for (i, c) in line.chars().enumerate() {
            let starts_block = i == 0 && matches!(c, '#' | '>' | '-' | '+' | '=' | '|');
            if starts_block || matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The document as Markdown.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for block in blocks {
        let is_list = matches!(block, Block::Bullet(_));
        if in_list && !is_list {
            out.push('\n');
        }
        in_list = is_list;
        match block {
            Block::Title(text) => out.push_str(&format!("# {}\n\n", escape(text))),
            Block::Meta(text) => out.push_str(&format!("_{}_  \n", escape(text))),
            Block::Heading(text) => out.push_str(&format!("\n## {}\n\n", escape(text))),
            Block::Subheading(text) => out.push_str(&format!("### {}\n\n", escape(text))),
            Block::Paragraph(text) => out.push_str(&format!("{}\n\n", escape(text))),
            Block::Bullet(text) => out.push_str(&format!("- {}\n", escape(text))),
            Block::Quote(text) => out.push_str(&format!("> {}\n\n", escape(text))),
            Block::Turn { label, text } => {
                out.push_str(&format!("**{}** {}\n\n", escape(label), escape(text)));
            }
        }
    }
    if in_list {
        out.push('\n');
    }
    format!("{}\n", out.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_start_markdown_syntax() {
        let md = render(&[
            Block::Title("보고서".into()),
            Block::Turn {
                label: "[00:01] 고객".into(),
                text: "# 환불 *지금* [링크](x)\n- 두 번째 줄".into(),
            },
        ]);
        assert!(md.starts_with("# 보고서\n\n"));
        assert!(
            md.contains("**\\[00:01\\] 고객** \\# 환불 \\*지금\\* \\[링크\\](x)  \n\\- 두 번째 줄")
        );
    }

    #[test]
    fn bullets_form_one_list_followed_by_a_blank_line() {
        let md = render(&[
            Block::Heading("점수".into()),
            Block::Bullet("a".into()),
            Block::Bullet("b".into()),
            Block::Paragraph("c".into()),
        ]);
        assert_eq!(md, "## 점수\n\n- a\n- b\n\nc\n");
    }
}
