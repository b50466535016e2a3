//! The preference mode: deferred acceptance (Gale–Shapley), candidate-proposing, for
//! partnerships that match as the medical residency match does. Receivers (mentors or schools)
//! rank candidates and have capacities. The result is stable — no candidate and receiver would
//! both rather have each other — and the best stable result for every candidate.

use std::collections::VecDeque;

/// Who wants whom. Lists are in order of preference; anyone not listed is unacceptable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preferences {
    /// Each candidate's ranked receivers.
    pub candidates: Vec<Vec<u32>>,
    /// Each receiver's ranked candidates.
    pub receivers: Vec<Vec<u32>>,
    /// Each receiver's capacity.
    pub capacity: Vec<u32>,
}

impl Preferences {
    /// `rank[r][c]`: receiver `r`'s rank of candidate `c` (`u32::MAX` when unacceptable).
    fn ranks(&self) -> Vec<Vec<u32>> {
        self.receivers
            .iter()
            .map(|list| {
                let mut rank = vec![u32::MAX; self.candidates.len()];
                for (i, &c) in list.iter().enumerate() {
                    if let Some(slot) = rank.get_mut(c as usize) {
                        *slot = (*slot).min(i as u32);
                    }
                }
                rank
            })
            .collect()
    }
}

/// The candidate-proposing stable matching: for each candidate, their receiver (if any).
pub fn deferred_acceptance(prefs: &Preferences) -> Vec<Option<u32>> {
    let ranks = prefs.ranks();
    let receivers = prefs.receivers.len();
    let mut next = vec![0usize; prefs.candidates.len()];
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); receivers];
    let mut matched: Vec<Option<u32>> = vec![None; prefs.candidates.len()];
    let mut free: VecDeque<u32> = (0..prefs.candidates.len() as u32).collect();
    while let Some(c) = free.pop_front() {
        let list = &prefs.candidates[c as usize];
        let Some(&r) = list.get(next[c as usize]) else {
            continue;
        };
        next[c as usize] += 1;
        let ru = r as usize;
        let capacity = prefs.capacity.get(ru).copied().unwrap_or(0) as usize;
        if ru >= receivers || capacity == 0 || ranks[ru][c as usize] == u32::MAX {
            free.push_back(c);
            continue;
        }
        held[ru].push(c);
        matched[c as usize] = Some(r);
        if held[ru].len() > capacity {
            // The receiver keeps its favourites and lets go of the least wanted.
            let worst = (0..held[ru].len())
                .max_by_key(|&i| ranks[ru][held[ru][i] as usize])
                .unwrap_or(0);
            let dropped = held[ru].swap_remove(worst);
            matched[dropped as usize] = None;
            free.push_back(dropped);
        }
    }
    matched
}

/// Pairs who would both rather have each other than what `matching` gave them.
pub fn blocking_pairs(prefs: &Preferences, matching: &[Option<u32>]) -> Vec<(u32, u32)> {
    let ranks = prefs.ranks();
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); prefs.receivers.len()];
    for (c, r) in matching.iter().enumerate() {
        if let Some(r) = r {
            held[*r as usize].push(c as u32);
        }
    }
    let mut blocking = Vec::new();
    for (c, list) in prefs.candidates.iter().enumerate() {
        let current = matching[c]
            .and_then(|r| list.iter().position(|x| *x == r))
            .unwrap_or(list.len());
        for &r in &list[..current] {
            let ru = r as usize;
            let Some(rank) = ranks.get(ru).map(|ranks| ranks[c]) else {
                continue;
            };
            if rank == u32::MAX {
                continue;
            }
            let capacity = prefs.capacity.get(ru).copied().unwrap_or(0) as usize;
            let full = held[ru].len() >= capacity;
            let would_swap = held[ru].iter().any(|&d| ranks[ru][d as usize] > rank);
            if capacity > 0 && (!full || would_swap) {
                blocking.push((c as u32, r));
            }
        }
    }
    blocking
}
