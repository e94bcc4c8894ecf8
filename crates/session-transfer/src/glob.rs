//! Glob patterns for directory filters: `*` (within a segment), `**` (any number of
//! segments), `?` (one character), over `/`-separated relative paths.

/// `path` matches `pattern`.
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    m(&p, &s)
}

fn m(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') if p.get(1) == Some(&'*') => {
            // `**/` also matches no directory at all.
            let rest = if p.get(2) == Some(&'/') {
                &p[3..]
            } else {
                &p[2..]
            };
            (0..=s.len()).any(|i| m(rest, &s[i..])) || (p.get(2) == Some(&'/') && m(&p[2..], s))
        }
        Some('*') => (0..=s.len())
            .take_while(|&i| i == 0 || s[i - 1] != '/')
            .any(|i| m(&p[1..], &s[i..])),
        Some('?') => s.first().is_some_and(|c| *c != '/') && m(&p[1..], &s[1..]),
        Some(c) => s.first() == Some(c) && m(&p[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("*.txt", "a.txt"));
        assert!(!matches("*.txt", "d/a.txt"));
        assert!(matches("**/*.txt", "d/e/a.txt"));
        assert!(matches("**/*.txt", "a.txt"));
        assert!(matches("d/**", "d/e/f"));
        assert!(matches("?.bin", "a.bin"));
        assert!(!matches("?.bin", "ab.bin"));
        assert!(!matches("a", "ab"));
    }
}
