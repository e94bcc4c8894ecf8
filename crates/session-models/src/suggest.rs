//! Close names for an unknown service: `dynamo` → `dynamodb`, `s4` → `s3`.

/// Up to five of `known` closest to `name`, best first: names that contain it or that it
/// contains, and names within a small edit distance (case is ignored).
pub(crate) fn close_names<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Vec<String> {
    let wanted = name.to_ascii_lowercase();
    // One edit per three characters, at least one: `sqs`→`sns` is close, `ec2`→`s3` is not.
    let limit = (wanted.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = known
        .filter_map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            let distance = edit_distance(&wanted, &lower);
            if distance <= limit {
                Some((distance, candidate))
            } else if wanted.len() >= 3 && (lower.contains(&wanted) || wanted.contains(&lower)) {
                // Ranked after the near misses, shortest extra first.
                Some((limit + 1 + lower.len().abs_diff(wanted.len()), candidate))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, n)| n.to_owned()).collect()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["s3", "s3control", "sqs", "sns", "dynamodb", "dynamodbstreams", "ec2"];

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("s3", "s3"), 0);
    }

    #[test]
    fn near_misses_then_containing_names() {
        assert_eq!(close_names("dynamo", KNOWN.iter().copied()), ["dynamodb", "dynamodbstreams"]);
        assert_eq!(close_names("s4", KNOWN.iter().copied()), ["s3"]);
        assert_eq!(close_names("SQS", KNOWN.iter().copied()), ["sqs", "sns"]);
        assert!(close_names("lambda", KNOWN.iter().copied()).is_empty());
    }
}
