//! [`HnswIndex`]: approximate nearest neighbours through the `hnsw_rs` crate, with deletes,
//! filters inside the search and an exact fallback.
//!
//! See [`HnswIndex`] for how it works.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use hnsw_rs::anndists::dist::Distance;
use hnsw_rs::hnsw::Hnsw;

use crate::index::VectorIndex;
use crate::index::exact::{ExactIndex, TopK, dot, prepare};
use crate::store::Metric;
use crate::{RagError, Result};

/// How many live slots a search tests `allow` on to estimate its selectivity.
const SELECTIVITY_SAMPLE: usize = 256;

/// Dot metric: the norm bound of the Euclidean reduction is this factor times the largest
/// norm at the last (re)build, so slightly longer later vectors still go into the graph.
const DOT_NORM_HEADROOM: f32 = 1.2;

/// Over-fetch factor over `k / expected share of live, allowed points`.
const OVERFETCH: f32 = 1.5;

/// When the over-fetch would ask the graph for more than `1 / EXACT_FETCH_SHARE` of its
/// points, search scans exactly instead.
const EXACT_FETCH_SHARE: usize = 8;

/// Below this many vectors a (re)build inserts sequentially: `hnsw_rs`'s parallel insert
/// pays off from about a thousand points per thread.
const PARALLEL_FROM: usize = 2_000;

/// Parameters of an [`HnswIndex`]. The defaults reach recall@10 ≥ 0.95 against
/// [`ExactIndex`] on the project's synthetic benchmarks (docs/rag-vectors.md).
///
/// ```
/// use llmops_rag::index::HnswParams;
/// let p = HnswParams::default().ef_search(128);
/// assert_eq!((p.max_nb_connection, p.ef_construction, p.ef_search), (16, 200, 128));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct HnswParams {
    /// Links per point and layer (`M`; the base layer keeps twice as many). 2..=256, default
    /// 16. More: better recall, more memory, slower build.
    pub max_nb_connection: usize,
    /// Candidates explored per insertion (`ef_construction`), default 200. More: a better
    /// graph, slower build.
    pub ef_construction: usize,
    /// Candidates explored per query (`ef`, raised to `k` when smaller), default 64. The
    /// recall / latency knob.
    pub ef_search: usize,
    /// Layers of the graph, 1..=16, default 16.
    pub max_layers: usize,
    /// Indexes of at most this many vectors are searched exactly, default 1,000.
    pub exact_below: usize,
    /// When the sampled share of slots `allow` accepts is below this, search scans the
    /// accepted slots exactly instead of walking the graph; default 0.05. 0 never switches.
    pub filter_exact_fraction: f32,
    /// Rebuild when tombstones (deleted or replaced points) plus vectors kept out of the graph
    /// exceed this share of the graph's points; default 0.25. `f32::INFINITY` never rebuilds
    /// by itself (call [`HnswIndex::rebuild`]).
    pub max_tombstone_fraction: f32,
}

impl Default for HnswParams {
    fn default() -> Self {
        HnswParams {
            max_nb_connection: 16,
            ef_construction: 200,
            ef_search: 64,
            max_layers: 16,
            exact_below: 1_000,
            filter_exact_fraction: 0.05,
            max_tombstone_fraction: 0.25,
        }
    }
}

impl HnswParams {
    /// With `max_nb_connection` (`M`).
    #[must_use]
    pub fn max_nb_connection(mut self, m: usize) -> Self {
        self.max_nb_connection = m;
        self
    }

    /// With `ef_construction`.
    #[must_use]
    pub fn ef_construction(mut self, ef: usize) -> Self {
        self.ef_construction = ef;
        self
    }

    /// With `ef_search`.
    #[must_use]
    pub fn ef_search(mut self, ef: usize) -> Self {
        self.ef_search = ef;
        self
    }

    /// With `exact_below`.
    #[must_use]
    pub fn exact_below(mut self, n: usize) -> Self {
        self.exact_below = n;
        self
    }

    /// With `filter_exact_fraction`.
    #[must_use]
    pub fn filter_exact_fraction(mut self, f: f32) -> Self {
        self.filter_exact_fraction = f;
        self
    }

    /// With `max_tombstone_fraction`.
    #[must_use]
    pub fn max_tombstone_fraction(mut self, f: f32) -> Self {
        self.max_tombstone_fraction = f;
        self
    }

    /// Checks every bound; [`RagError::Invalid`] names the first one broken.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(RagError::invalid(format!("HnswParams: {what}")));
        if !(2..=256).contains(&self.max_nb_connection) {
            return bad("max_nb_connection must be in 2..=256");
        }
        if self.ef_construction == 0 || self.ef_search == 0 {
            return bad("ef_construction and ef_search must be at least 1");
        }
        if !(1..=16).contains(&self.max_layers) {
            return bad("max_layers must be in 1..=16");
        }
        if !(0.0..=1.0).contains(&self.filter_exact_fraction) {
            return bad("filter_exact_fraction must be in 0..=1");
        }
        if self.max_tombstone_fraction.is_nan() || self.max_tombstone_fraction <= 0.0 {
            return bad("max_tombstone_fraction must be above 0");
        }
        Ok(())
    }
}

/// The graph's distance: `1 − a·b` on normalised vectors (cosine), squared Euclidean on the
/// augmented vectors of the dot reduction.
#[derive(Debug, Clone, Copy)]
struct GraphDistance(Metric);

impl Distance<f32> for GraphDistance {
    fn eval(&self, a: &[f32], b: &[f32]) -> f32 {
        match self.0 {
            Metric::Cosine => (1.0 - dot(a, b)).max(0.0),
            Metric::Dot => l2_squared(a, b),
        }
    }
}

/// Squared Euclidean distance, shaped like [`dot`] for vectorisation.
fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
    let (ca, ta) = a.as_chunks::<8>();
    let (cb, tb) = b.as_chunks::<8>();
    let mut acc = [0.0f32; 8];
    for (x, y) in ca.iter().zip(cb) {
        for ((s, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            let d = x - y;
            *s += d * d;
        }
    }
    let tail: f32 = ta.iter().zip(tb).map(|(&x, &y)| (x - y) * (x - y)).sum();
    acc.iter().sum::<f32>() + tail
}

type Graph = Hnsw<'static, f32, GraphDistance>;

/// Approximate nearest-neighbour index (HNSW through `hnsw_rs`) over slots, by cosine or dot
/// product.
///
/// # How it works
///
/// - **Vectors.** The index keeps its own copy of every live vector in an [`ExactIndex`]
///   (normalised for cosine): it answers [`VectorIndex::vector`], feeds rebuilds and
///   persistence, and is the exact fallback below. The graph holds a second copy.
/// - **Distances.** Cosine: vectors are normalised, the graph distance is `1 − a·b` (clamped
///   at 0, which `hnsw_rs` requires). Dot product on vectors of any length (maximum inner
///   product search) is reduced to Euclidean search (Bachrach et al., 2014): with `B` at
///   least every indexed vector's norm, a vector `x` is indexed as `[x, √(B² − |x|²)]` and the
///   query as `[q, 0]`, so `|q' − x'|² = |q|² + B² − 2 q·x` ranks exactly as `−q·x` and the
///   graph is built on a true metric. `B` is 1.2 × the largest norm at the
///   last (re)build; a later vector longer than `B` is kept out of the graph and scored
///   exactly at every search until the next rebuild takes it in.
/// - **Deletes and replacements** are tombstones: the graph point stays, is marked dead and
///   is excluded inside the search. When tombstones plus unindexed vectors exceed
///   [`HnswParams::max_tombstone_fraction`] of the graph, the next insert or remove rebuilds
///   the graph from the live vectors ([`HnswIndex::rebuild`] does it on demand).
/// - **Filters.** `allow` is applied to the graph's candidates before they count: a
///   rejected or deleted slot is never returned nor counted towards `k`. The index first
///   tests `allow` on a sample of up to 256 live slots. When the accepted
///   share is below [`HnswParams::filter_exact_fraction`], it scans exactly over the accepted
///   slots (one predicate call per vector plus one dot product per accepted vector, small
///   precisely when the filter is selective). Otherwise it over-fetches: it asks the graph
///   for `1.5 · k / share` neighbours (share = accepted share × live share of the graph,
///   `ef` raised to match), keeps the live, allowed ones, asks for 4× more while fewer than
///   `k` pass and the graph has more, and scans exactly once the request would exceed an
///   eighth of the graph or the graph runs dry. So **`k` allowed results come back whenever
///   `k` exist**. (`hnsw_rs`'s own filtered search walks the graph without its early stop;
///   measured 6–10× slower than an unfiltered search at 10k vectors even with a filter
///   accepting everything, so it is not used.)
/// - **Small indexes** (up to [`HnswParams::exact_below`] vectors) are scanned exactly.
///
/// Scores are recomputed exactly from the stored vectors, so they equal [`ExactIndex`]'s for
/// the same slot (cosine similarity or dot product).
///
/// ```
/// use llmops_rag::index::{HnswIndex, HnswParams, VectorIndex};
/// use llmops_rag::Metric;
///
/// let vectors = (0..1_500u32).map(|i| {
///     let a = i as f32 * 0.001;
///     (i, vec![a.cos(), a.sin(), 0.5])
/// });
/// let mut idx = HnswIndex::build(3, Metric::Cosine, HnswParams::default(), vectors)?;
/// let hits = idx.search(&[1.0, 0.0, 0.5], 3, &|_| true)?;
/// assert_eq!(hits[0].0, 0);
/// idx.remove(0);
/// let hits = idx.search(&[1.0, 0.0, 0.5], 3, &|slot| slot % 2 == 1)?;
/// assert!(hits.iter().all(|(slot, _)| slot % 2 == 1) && hits.len() == 3);
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub struct HnswIndex {
    params: HnswParams,
    /// Every live vector, as stored (normalised for cosine).
    exact: ExactIndex,
    graph: Graph,
    /// Graph point (the `hnsw_rs` data id) → its slot while live, `None` once a tombstone.
    point_slot: Vec<Option<u32>>,
    /// Live slot in the graph → its point.
    slot_point: HashMap<u32, usize>,
    tombstones: usize,
    /// Dot: the norm bound `B` of the reduction.
    bound: f32,
    /// Dot: live slots kept out of the graph (norm above `bound`), scored exactly.
    overflow: BTreeSet<u32>,
}

impl fmt::Debug for HnswIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HnswIndex")
            .field("dims", &self.exact.dims())
            .field("metric", &self.exact.metric())
            .field("params", &self.params)
            .field("len", &self.exact.len())
            .field("graph_points", &self.point_slot.len())
            .field("tombstones", &self.tombstones)
            .field("unindexed", &self.overflow.len())
            .finish_non_exhaustive()
    }
}

impl HnswIndex {
    /// An empty index with default parameters.
    pub fn new(dims: usize, metric: Metric) -> Self {
        let params = HnswParams::default();
        let graph = new_graph(&params, metric, 0);
        HnswIndex::empty(dims, metric, params, graph)
    }

    /// An empty index with `params` ([`RagError::Invalid`] when out of bounds).
    pub fn with_params(dims: usize, metric: Metric, params: HnswParams) -> Result<Self> {
        params.validate()?;
        let graph = new_graph(&params, metric, 0);
        Ok(HnswIndex::empty(dims, metric, params, graph))
    }

    /// An index built from `(slot, vector)` pairs at once, the graph inserted in parallel
    /// (the way to reload persisted vectors; a later pair for the same slot replaces the
    /// earlier one). Every vector is checked as by [`VectorIndex::insert`].
    pub fn build<V: AsRef<[f32]>>(
        dims: usize,
        metric: Metric,
        params: HnswParams,
        vectors: impl IntoIterator<Item = (u32, V)>,
    ) -> Result<Self> {
        params.validate()?;
        let exact = ExactIndex::build(dims, metric, vectors)?;
        let graph = new_graph(&params, metric, 0);
        let mut idx = HnswIndex::empty(dims, metric, params, graph);
        idx.exact = exact;
        idx.rebuild();
        Ok(idx)
    }

    fn empty(dims: usize, metric: Metric, params: HnswParams, graph: Graph) -> Self {
        HnswIndex {
            params,
            exact: ExactIndex::new(dims, metric),
            graph,
            point_slot: Vec::new(),
            slot_point: HashMap::new(),
            tombstones: 0,
            bound: 0.0,
            overflow: BTreeSet::new(),
        }
    }

    /// The parameters.
    pub fn params(&self) -> &HnswParams {
        &self.params
    }

    /// Sets `ef_search` for later searches (at least 1).
    pub fn set_ef_search(&mut self, ef: usize) {
        self.params.ef_search = ef.max(1);
    }

    /// Graph points that are deleted or replaced, awaiting the next rebuild.
    pub fn tombstones(&self) -> usize {
        self.tombstones
    }

    /// Live vectors not in the graph (dot metric, longer than the norm bound), scored exactly
    /// until the next rebuild.
    pub fn unindexed(&self) -> usize {
        self.overflow.len()
    }

    /// Every `(slot, vector)` pair held (normalised for cosine): what to persist.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[f32])> + '_ {
        self.exact.iter()
    }

    /// Rebuilds the graph from the live vectors: drops tombstones, takes in unindexed
    /// vectors, and for the dot metric resets the norm bound. Inserts in parallel (rayon)
    /// from a few thousand vectors.
    pub fn rebuild(&mut self) {
        let metric = self.exact.metric();
        let n = self.exact.len();
        let dims = self.exact.dims();
        self.graph = new_graph(&self.params, metric, n);
        self.point_slot = Vec::with_capacity(n);
        self.slot_point = HashMap::with_capacity(n);
        self.tombstones = 0;
        self.overflow.clear();
        // Cosine: the stored rows are what the graph indexes. Dot: augmented copies.
        let augmented: Vec<f32> = match metric {
            Metric::Cosine => Vec::new(),
            Metric::Dot => {
                let max_sq = self
                    .exact
                    .iter()
                    .map(|(_, v)| dot(v, v))
                    .fold(0.0f32, f32::max);
                self.bound = DOT_NORM_HEADROOM * max_sq.sqrt();
                let mut out = Vec::with_capacity(n * (dims + 1));
                for (_, v) in self.exact.iter() {
                    out.extend_from_slice(v);
                    out.push(augment(self.bound, v));
                }
                out
            }
        };
        let rows: Vec<(&[f32], usize)> = match metric {
            Metric::Cosine => self.exact.iter().map(|(_, v)| v).zip(0..).collect(),
            Metric::Dot => augmented.chunks_exact(dims + 1).zip(0..).collect(),
        };
        self.point_slot.extend(self.exact.slots().map(Some));
        for (point, slot) in self.exact.slots().enumerate() {
            self.slot_point.insert(slot, point);
        }
        if rows.len() >= PARALLEL_FROM {
            self.graph.parallel_insert_slice(&rows);
        } else {
            for &row in &rows {
                self.graph.insert_slice(row);
            }
        }
    }

    /// Like [`VectorIndex::search`] with `ef` candidates instead of
    /// [`HnswParams::ef_search`].
    pub fn search_ef(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
        allow: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<(u32, f32)>> {
        let q = self.exact.prepare(query)?;
        let live = self.exact.len();
        if k == 0 || live == 0 {
            return Ok(Vec::new());
        }
        if live <= self.params.exact_below {
            return Ok(self.exact.search_prepared(&q, k, allow));
        }
        let accepted = self.accepted_share(allow);
        if accepted < self.params.filter_exact_fraction {
            return Ok(self.exact.search_prepared(&q, k, allow));
        }
        let gq: Vec<f32>;
        let graph_query: &[f32] = match self.exact.metric() {
            Metric::Cosine => &q,
            Metric::Dot => {
                gq = q.iter().copied().chain([0.0]).collect();
                &gq
            }
        };
        // Over-fetch: enough graph neighbours for k of them to be live and allowed, at the
        // estimated share; ask for more while the graph has more to give.
        let points = self.point_slot.len();
        let share = accepted * self.slot_point.len() as f32 / points.max(1) as f32;
        let mut fetch = ((k as f32 / share.max(1e-6)) * OVERFETCH).ceil() as usize;
        fetch = fetch.max(k);
        loop {
            if fetch > points / EXACT_FETCH_SHARE {
                // a scan is cheaper than walking that much of the graph
                break;
            }
            let found = self
                .graph
                .search_filter(graph_query, fetch, ef.max(fetch), None);
            let mut top = TopK::new(k);
            for n in &found {
                if let Some(Some(slot)) = self.point_slot.get(n.d_id)
                    && allow(*slot)
                    && let Some(v) = self.exact.vector(*slot)
                {
                    top.push(*slot, dot(&q, v));
                }
            }
            for &slot in &self.overflow {
                if allow(slot)
                    && let Some(v) = self.exact.vector(slot)
                {
                    top.push(slot, dot(&q, v));
                }
            }
            let hits = top.into_sorted();
            if hits.len() >= k {
                return Ok(hits);
            }
            if found.len() < fetch {
                // the graph gave all it could reach
                break;
            }
            fetch = fetch.saturating_mul(4);
        }
        // short of k allowed results: scan, so k come back whenever k exist
        Ok(self.exact.search_prepared(&q, k, allow))
    }

    /// The share of a sample of live slots that `allow` accepts (1 when empty).
    fn accepted_share(&self, allow: &dyn Fn(u32) -> bool) -> f32 {
        let (mut seen, mut passed) = (0usize, 0usize);
        for slot in self.exact.sample_slots(SELECTIVITY_SAMPLE) {
            seen += 1;
            passed += usize::from(allow(slot));
        }
        if seen == 0 {
            1.0
        } else {
            passed as f32 / seen as f32
        }
    }

    /// Rebuilds when tombstones and unindexed vectors exceed the configured share.
    fn maybe_rebuild(&mut self) {
        let stale = (self.tombstones + self.overflow.len()) as f32;
        if stale > 0.0 && stale > self.params.max_tombstone_fraction * self.point_slot.len() as f32
        {
            self.rebuild();
        }
    }

    /// Marks the graph point of `slot` dead, if it has one.
    fn bury(&mut self, slot: u32) {
        if let Some(point) = self.slot_point.remove(&slot) {
            if let Some(p) = self.point_slot.get_mut(point) {
                *p = None;
            }
            self.tombstones += 1;
        }
        self.overflow.remove(&slot);
    }
}

impl VectorIndex for HnswIndex {
    fn name(&self) -> &str {
        "hnsw"
    }

    fn dims(&self) -> usize {
        self.exact.dims()
    }

    fn metric(&self) -> Metric {
        self.exact.metric()
    }

    fn insert(&mut self, slot: u32, vector: &[f32]) -> Result<()> {
        let metric = self.exact.metric();
        let v = prepare(self.exact.dims(), metric, vector)?;
        self.exact.insert(slot, &v)?;
        self.bury(slot);
        let point = self.point_slot.len();
        match metric {
            Metric::Cosine => self.graph.insert_slice((&v, point)),
            Metric::Dot => {
                if dot(&v, &v).sqrt() > self.bound {
                    self.overflow.insert(slot);
                    self.maybe_rebuild();
                    return Ok(());
                }
                let aug: Vec<f32> = v.iter().copied().chain([augment(self.bound, &v)]).collect();
                self.graph.insert_slice((&aug, point));
            }
        }
        self.point_slot.push(Some(slot));
        self.slot_point.insert(slot, point);
        self.maybe_rebuild();
        Ok(())
    }

    fn remove(&mut self, slot: u32) {
        if !self.exact.contains(slot) {
            return;
        }
        self.exact.remove(slot);
        self.bury(slot);
        self.maybe_rebuild();
    }

    fn search(
        &self,
        query: &[f32],
        k: usize,
        allow: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<(u32, f32)>> {
        self.search_ef(query, k, self.params.ef_search, allow)
    }

    fn vector(&self, slot: u32) -> Option<&[f32]> {
        self.exact.vector(slot)
    }

    fn len(&self) -> usize {
        self.exact.len()
    }
}

/// A new graph for `metric` sized for about `n` points.
fn new_graph(params: &HnswParams, metric: Metric, n: usize) -> Graph {
    Hnsw::new(
        params.max_nb_connection,
        n.max(1),
        params.max_layers,
        params.ef_construction,
        GraphDistance(metric),
    )
}

/// The extra coordinate of the dot reduction: `√(B² − |v|²)` (0 when rounding makes it
/// negative).
fn augment(bound: f32, v: &[f32]) -> f32 {
    let sq = f64::from(bound) * f64::from(bound) - f64::from(dot(v, v));
    sq.max(0.0).sqrt() as f32
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn is_send_sync_and_a_vector_index() {
        assert_send_sync::<HnswIndex>();
        let idx: Box<dyn VectorIndex> = Box::new(HnswIndex::new(3, Metric::Cosine));
        assert_eq!(idx.name(), "hnsw");
        assert!(idx.is_empty());
    }

    #[test]
    fn params_are_validated() {
        let bad = [
            HnswParams::default().max_nb_connection(1),
            HnswParams::default().max_nb_connection(300),
            HnswParams::default().ef_search(0),
            HnswParams::default().ef_construction(0),
            HnswParams::default().filter_exact_fraction(1.5),
            HnswParams::default().max_tombstone_fraction(0.0),
            HnswParams::default().max_tombstone_fraction(f32::NAN),
        ];
        for p in bad {
            assert!(matches!(
                HnswIndex::with_params(4, Metric::Cosine, p),
                Err(RagError::Invalid(_))
            ));
        }
        let p = HnswParams::default().max_tombstone_fraction(f32::INFINITY);
        assert!(HnswIndex::with_params(4, Metric::Cosine, p).is_ok());
    }

    #[test]
    fn bad_vectors_are_typed_errors() {
        let mut idx = HnswIndex::new(3, Metric::Cosine);
        assert!(matches!(
            idx.insert(0, &[1.0]),
            Err(RagError::Dimensions { .. })
        ));
        assert!(matches!(
            idx.insert(0, &[0.0, 0.0, 0.0]),
            Err(RagError::Invalid(_))
        ));
        assert!(matches!(
            idx.insert(0, &[f32::NAN, 0.0, 0.0]),
            Err(RagError::Invalid(_))
        ));
        assert!(idx.is_empty() && idx.point_slot.is_empty());
        assert!(matches!(
            idx.search(&[1.0, 2.0], 1, &|_| true),
            Err(RagError::Dimensions { .. })
        ));
        assert!(
            idx.search(&[1.0, 2.0, 3.0], 1, &|_| true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn dot_distance_ranks_by_inner_product() {
        // |q' − x'|² = |q|² + B² − 2 q·x for every x under the bound
        let bound = 10.0;
        let q = [0.3f32, -1.2, 2.0];
        let xs = [[1.0f32, 2.0, 3.0], [-4.0, 0.5, 1.0], [0.0, 0.0, 0.0]];
        let qa: Vec<f32> = q.iter().copied().chain([0.0]).collect();
        for x in xs {
            let xa: Vec<f32> = x.iter().copied().chain([augment(bound, &x)]).collect();
            let d = GraphDistance(Metric::Dot).eval(&qa, &xa);
            let want = dot(&q, &q) + bound * bound - 2.0 * dot(&q, &x);
            assert!((d - want).abs() < 1e-3, "{d} vs {want}");
        }
    }

    #[test]
    fn replace_and_remove_leave_tombstones_then_rebuild() {
        let p = HnswParams::default()
            .exact_below(0)
            .max_tombstone_fraction(f32::INFINITY);
        let mut idx = HnswIndex::with_params(2, Metric::Cosine, p).unwrap();
        for i in 0..100u32 {
            let a = i as f32 * 0.06;
            idx.insert(i, &[a.cos(), a.sin()]).unwrap();
        }
        // slot 0 now points elsewhere: its old point must not answer for it
        idx.insert(0, &[(3.0f32).cos(), (3.0f32).sin()]).unwrap();
        idx.remove(1);
        idx.remove(1);
        assert_eq!((idx.len(), idx.tombstones()), (99, 2));
        let hits = idx.search(&[1.0, 0.0], 3, &|_| true).unwrap();
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [2, 3, 4]);
        idx.rebuild();
        assert_eq!(
            (idx.len(), idx.tombstones(), idx.point_slot.len()),
            (99, 0, 99)
        );
        let hits = idx.search(&[(3.0f32).cos(), (3.0f32).sin()], 1, &|_| true);
        assert_eq!(hits.unwrap()[0].0, 0);
    }

    #[test]
    fn tombstones_trigger_a_rebuild() {
        let p = HnswParams::default().max_tombstone_fraction(0.1);
        let mut idx = HnswIndex::with_params(2, Metric::Cosine, p).unwrap();
        for i in 0..100u32 {
            idx.insert(i, &[1.0, i as f32]).unwrap();
        }
        for i in 0..10u32 {
            idx.remove(i);
        }
        assert_eq!(idx.tombstones(), 10);
        idx.remove(10);
        assert_eq!(
            (idx.tombstones(), idx.point_slot.len(), idx.len()),
            (0, 89, 89)
        );
    }

    #[test]
    fn dot_vectors_longer_than_the_bound_are_scored_exactly() {
        let p = HnswParams::default()
            .exact_below(0)
            .max_tombstone_fraction(f32::INFINITY);
        // norms 1..5 around the circle
        let vs: Vec<(u32, Vec<f32>)> = (0..200u32)
            .map(|i| {
                let (a, r) = (i as f32 * 0.7, 1.0 + (i % 9) as f32 * 0.5);
                (i, vec![r * a.cos(), r * a.sin()])
            })
            .collect();
        let mut idx = HnswIndex::build(2, Metric::Dot, p, vs).unwrap();
        assert_eq!(idx.unindexed(), 0);
        idx.insert(1000, &[8.0, 0.0]).unwrap();
        assert_eq!(idx.unindexed(), 1);
        let hits = idx.search(&[1.0, 0.0], 2, &|_| true).unwrap();
        assert_eq!(hits[0], (1000, 8.0));
        assert!(idx.search(&[1.0, 0.0], 2, &|s| s != 1000).unwrap()[0].0 != 1000);
        idx.rebuild();
        assert_eq!(idx.unindexed(), 0);
        assert_eq!(
            idx.search(&[1.0, 0.0], 1, &|_| true).unwrap()[0],
            (1000, 8.0)
        );
        // the unnormalised vector is kept as given
        assert_eq!(idx.vector(1000).unwrap(), &[8.0, 0.0]);
    }

    #[test]
    fn an_empty_dot_index_grows_by_inserts() {
        let mut idx =
            HnswIndex::with_params(2, Metric::Dot, HnswParams::default().exact_below(0)).unwrap();
        for i in 0..200u32 {
            idx.insert(i, &[i as f32, 1.0]).unwrap();
        }
        assert_eq!(idx.len(), 200);
        assert!(idx.unindexed() + idx.tombstones() <= 50);
        let hits = idx.search(&[1.0, 0.0], 3, &|_| true).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.0).collect::<Vec<_>>(),
            [199, 198, 197]
        );
    }
}
