//! One stable sort for every list the core orders by a number (a position in the paste, a
//! reading order). Each `sort_by_key` with its own closure and element type is its own copy of
//! the standard library's sort in the WASM (about 3 KB each); ranking first and sorting the
//! ranks makes them all one copy.

/// Sorts `v` by `rank`, keeping the order of equal ranks (a stable sort).
pub fn sort_by_rank<T>(v: &mut Vec<T>, rank: impl Fn(&T) -> u64) {
    if v.len() < 2 {
        return;
    }
    let mut ranks: Vec<(u64, usize)> = v.iter().enumerate().map(|(i, x)| (rank(x), i)).collect();
    if ranks.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    // The index breaks ties: unstable on distinct pairs is stable on the ranks.
    ranks.sort_unstable();
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(ranks.iter().filter_map(|&(_, i)| slots[i].take()));
}

#[cfg(test)]
mod tests {
    use super::sort_by_rank;

    #[test]
    fn sorts_by_rank_and_keeps_ties_in_order() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        sort_by_rank(&mut v, |x| x.0);
        assert_eq!(v, vec![(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
        let mut w: Vec<u8> = (0..50).rev().collect();
        let mut want = w.clone();
        want.sort();
        sort_by_rank(&mut w, |&x| x as u64);
        assert_eq!(w, want);
    }
}
