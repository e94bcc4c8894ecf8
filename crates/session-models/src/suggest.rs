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
    scored
        .into_iter()
        .take(5)
        .map(|(_, n)| n.to_owned())
        .collect()
}

/// Edit distance over chars counting a swap of two neighbours as one edit (optimal string
/// alignment): `mien` is one edit from `mine`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &[
        "s3",
        "s3control",
        "sqs",
        "sns",
        "dynamodb",
        "dynamodbstreams",
        "ec2",
    ];

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("s3", "s3"), 0);
        assert_eq!(edit_distance("mien", "mine"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }

    #[test]
    fn near_misses_then_containing_names() {
        assert_eq!(
            close_names("dynamo", KNOWN.iter().copied()),
            ["dynamodb", "dynamodbstreams"]
        );
        assert_eq!(close_names("s4", KNOWN.iter().copied()), ["s3"]);
        assert_eq!(close_names("SQS", KNOWN.iter().copied()), ["sqs", "sns"]);
        assert!(close_names("lambda", KNOWN.iter().copied()).is_empty());
    }
}
