//! The small, safe markup of lesson texts.
//!
//! Lessons are content written by people other than the app's authors and shipped in files, so
//! their text must never reach the page as HTML. This module turns it into plain data —
//! paragraphs and lists of runs of text, emphasis, strong text and code — which the app renders
//! with its own elements, escaping every character. Text such as `<b>` stays text.
//!
//! The syntax is a tiny, forgiving subset of Markdown:
//! - paragraphs are separated by blank lines; lines of one paragraph are joined by a space;
//! - a line starting with `- ` is a list item (consecutive items form one list);
//! - `` `code` ``, `**strong**`, `*emphasis*`; a marker that is not closed is plain text, and so
//!   is a `*` with a space after it (`2 * 3`);
//! - `\*`, `` \` `` and `\\` write the character itself.
//!
//! Nothing can fail: every input gives some blocks.

/// A run of inline text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Emphasis(String),
    Strong(String),
    Code(String),
}

/// A block of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// One entry per item.
    List(Vec<Vec<Inline>>),
}

/// Parses a lesson text into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<Vec<Inline>> = Vec::new();
    // Ends whatever is open, so that a paragraph and a list never merge.
    fn flush_paragraph(paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>) {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(parse_inline(&paragraph.join(" "))));
            paragraph.clear();
        }
    }
    fn flush_list(items: &mut Vec<Vec<Inline>>, blocks: &mut Vec<Block>) {
        if !items.is_empty() {
            blocks.push(Block::List(std::mem::take(items)));
        }
    }
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_list(&mut items, &mut blocks);
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush_paragraph(&mut paragraph, &mut blocks);
            items.push(parse_inline(item.trim()));
        } else {
            flush_list(&mut items, &mut blocks);
            paragraph.push(trimmed);
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut items, &mut blocks);
    blocks
}

/// Parses one line (or a joined paragraph) into runs of inline text.
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && matches!(chars.get(i + 1), Some('*' | '`' | '\\')) {
            plain.push(chars[i + 1]);
            i += 2;
            continue;
        }
        let found = match c {
            '`' => find(&chars, i + 1, "`", false)
                .filter(|&end| end > i + 1)
                .map(|end| (Inline::Code(chars[i + 1..end].iter().collect()), end + 1)),
            '*' if chars.get(i + 1) == Some(&'*') => {
                opens(&chars, i + 2).then_some(()).and_then(|()| {
                    find(&chars, i + 2, "**", true)
                        .map(|end| (Inline::Strong(unescape(&chars[i + 2..end])), end + 2))
                })
            }
            '*' => opens(&chars, i + 1).then_some(()).and_then(|()| {
                find(&chars, i + 1, "*", true)
                    .map(|end| (Inline::Emphasis(unescape(&chars[i + 1..end])), end + 1))
            }),
            _ => None,
        };
        match found {
            Some((inline, next)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(inline);
                i = next;
            }
            None => {
                // A marker that opens nothing is ordinary text; a `**` that did not open
                // strong text may still open emphasis at the next character.
                plain.push(c);
                i += 1;
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// An emphasis marker opens only before a character that is not a space or another `*`.
fn opens(chars: &[char], at: usize) -> bool {
    chars
        .get(at)
        .is_some_and(|c| !c.is_whitespace() && *c != '*')
}

/// The index of the closing `marker` at or after `from`. Emphasis (`flanked`) closes only
/// after a character that is not a space, and skips escaped characters.
fn find(chars: &[char], from: usize, marker: &str, flanked: bool) -> Option<usize> {
    let m: Vec<char> = marker.chars().collect();
    let mut j = from;
    while j + m.len() <= chars.len() {
        if flanked && chars[j] == '\\' {
            j += 2;
            continue;
        }
        if chars[j..j + m.len()] == m[..]
            && (!flanked || (j > from && !chars[j - 1].is_whitespace()))
        {
            return Some(j);
        }
        j += 1;
    }
    None
}

/// Emphasised text with its escapes resolved.
fn unescape(chars: &[char]) -> String {
    let mut s = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && matches!(chars.get(i + 1), Some('*' | '`' | '\\')) {
            s.push(chars[i + 1]);
            i += 2;
        } else {
            s.push(chars[i]);
            i += 1;
        }
    }
    s
}

/// The text without markup: for places that show plain text (titles of windows, logs).
pub fn plain(blocks: &[Block]) -> String {
    let inline = |runs: &[Inline]| -> String {
        runs.iter()
            .map(|r| match r {
                Inline::Text(s) | Inline::Emphasis(s) | Inline::Strong(s) | Inline::Code(s) => {
                    s.as_str()
                }
            })
            .collect()
    };
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(runs) => inline(runs),
            Block::List(items) => items
                .iter()
                .map(|i| format!("- {}", inline(i)))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn paragraphs_are_separated_by_blank_lines_and_lines_joined() {
        let b = parse("One\nline.\n\n  \nTwo.");
        assert_eq!(
            b,
            vec![
                Block::Paragraph(vec![t("One line.")]),
                Block::Paragraph(vec![t("Two.")])
            ]
        );
    }

    #[test]
    fn lists_are_lines_starting_with_a_dash() {
        let b = parse("Options:\n- scale *up*\n- scale `out`\nThen run.");
        assert_eq!(
            b,
            vec![
                Block::Paragraph(vec![t("Options:")]),
                Block::List(vec![
                    vec![t("scale "), Inline::Emphasis("up".into())],
                    vec![t("scale "), Inline::Code("out".into())],
                ]),
                Block::Paragraph(vec![t("Then run.")]),
            ]
        );
    }

    #[test]
    fn inline_markers() {
        assert_eq!(
            parse_inline("a **b** *c* `d*e*` f"),
            vec![
                t("a "),
                Inline::Strong("b".into()),
                t(" "),
                Inline::Emphasis("c".into()),
                t(" "),
                Inline::Code("d*e*".into()),
                t(" f"),
            ]
        );
    }

    #[test]
    fn unclosed_or_spaced_markers_are_text() {
        assert_eq!(parse_inline("2 * 3 * 4"), vec![t("2 * 3 * 4")]);
        assert_eq!(parse_inline("**open"), vec![t("**open")]);
        assert_eq!(parse_inline("`open"), vec![t("`open")]);
        assert_eq!(parse_inline("*a *"), vec![t("*a *")]);
        assert_eq!(parse_inline("***"), vec![t("***")]);
        assert_eq!(parse_inline(r"\*not\* \\ \`"), vec![t(r"*not* \ `")]);
        assert_eq!(
            parse_inline("é*ü*"),
            vec![t("é"), Inline::Emphasis("ü".into())]
        );
    }

    #[test]
    fn html_is_never_markup() {
        let src = "<b>bold</b> <script>alert(1)</script> &amp; <img src=x onerror=y>";
        let b = parse(src);
        assert_eq!(b, vec![Block::Paragraph(vec![t(src)])]);
        // Inside markers too: the content is text, the app escapes it.
        assert_eq!(
            parse_inline("**<i>x</i>** `<br>`"),
            vec![
                Inline::Strong("<i>x</i>".into()),
                t(" "),
                Inline::Code("<br>".into())
            ]
        );
    }

    #[test]
    fn korean_text_and_empty_input() {
        assert_eq!(
            parse("서버를 **한 대** 더"),
            vec![Block::Paragraph(vec![
                t("서버를 "),
                Inline::Strong("한 대".into()),
                t(" 더")
            ])]
        );
        assert!(parse("").is_empty());
        assert!(parse("\n\n  \n").is_empty());
        assert_eq!(plain(&parse("a *b*\n\n- c")), "a b\n\n- c");
    }
}
